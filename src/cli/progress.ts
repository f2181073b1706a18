/**
 * A tiny progress reporter for long commands: a redrawn bar when the stream is a terminal,
 * otherwise one line per 10 % so logs stay readable.
 */
export interface Progress {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  let current = 0;

  const line = (done: number, detail?: string) => {
    const ratio = total === 0 ? 1 : Math.min(1, done / total);
    const percent = Math.floor(ratio * 100);
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    const count = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
    return { ratio, percent, text: `${label} ${String(percent).padStart(3)}% ${count} ${elapsed}s${detail ? ` ${detail}` : ''}` };
  };

  const draw = (done: number, detail: string | undefined, final: boolean) => {
    const { ratio, percent, text } = line(done, detail);
    if (tty) {
      const filled = Math.round(ratio * BAR_WIDTH);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${text}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(percent / 10);
    if (decile > lastDecile || final) {
      if (!(final && decile === lastDecile)) stream.write(`${text}\n`);
      lastDecile = decile;
    }
  };

  return {
    update(done, detail) {
      current = done;
      const now = Date.now();
      if (tty && now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      draw(done, detail, false);
    },
    finish(detail) {
      draw(Math.max(current, total), detail, true);
    },
  };
}
