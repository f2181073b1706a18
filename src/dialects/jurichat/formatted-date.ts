const SAO_PAULO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/Sao_Paulo',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const HOUR_MS = 3_600_000;
/** São Paulo's UTC offset (ms) per UTC hour: offsets change only on whole hours, and Intl is slow. */
const offsets = new Map<number, number>();

function offsetAt(hour: number): number {
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const at = hour * HOUR_MS;
    const p = Object.fromEntries(SAO_PAULO.formatToParts(new Date(at)).map((part) => [part.type, Number(part.value)]));
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `DD/MM/YYYY HH:mm` in America/Sao_Paulo (jurichat-api.md, decided). */
export function formattedDate(ms: number): string {
  const local = new Date(ms + offsetAt(Math.floor(ms / HOUR_MS)));
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}
