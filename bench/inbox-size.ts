// The inbox's first-load JavaScript: builds the inbox if needed (bin/inbox.js) and sums, gzipped,
// the scripts index.html loads (entry and module preloads) — the spec's target is at most 200 KB.
// `node --import tsx bench/inbox-size.ts`; exits 1 when over the target.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureInbox } from '../bin/inbox.js';

const TARGET_BYTES = 200 * 1024;

const dir = await ensureInbox();
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const scripts = [
  ...new Set([...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => (m[1] ?? m[2]) as string)),
];
let raw = 0;
let gzip = 0;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
for (const src of scripts) {
  const contents = readFileSync(join(dir, src.replace(/^\//, '')));
  const zipped = gzipSync(contents, { level: 9 }).length;
  raw += contents.length;
  gzip += zipped;
  process.stdout.write(`${src.padEnd(40)} ${kb(contents.length).padStart(9)} raw ${kb(zipped).padStart(9)} gzip\n`);
}
const ok = gzip <= TARGET_BYTES;
process.stdout.write(
  `first-load JS: ${scripts.length} file(s), ${kb(raw)} raw, ${kb(gzip)} gzip — target ≤ ${kb(TARGET_BYTES)} gzip: ${ok ? 'met' : 'MISSED'}\n`,
);
process.exitCode = ok ? 0 : 1;
