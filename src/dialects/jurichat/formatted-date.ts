const SAO_PAULO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/Sao_Paulo', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

const cache = new Map<number, string>();

/** `DD/MM/YYYY HH:mm` in America/Sao_Paulo (jurichat-api.md, decided). Memoised per minute: Intl formatting is slow on hot paths. */
export function formattedDate(ms: number): string {
  const minute = Math.floor(ms / 60000);
  let text = cache.get(minute);
  if (text === undefined) {
    const p = Object.fromEntries(SAO_PAULO.formatToParts(new Date(minute * 60000)).map((part) => [part.type, part.value]));
    text = `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
    if (cache.size > 50_000) cache.clear();
    cache.set(minute, text);
  }
  return text;
}
