#!/usr/bin/env node
// Runs the TypeScript sources right after `npm install`: esbuild bundles them (a fraction of a
// second, cached by content under node_modules/.cache) and the bundle runs as plain JavaScript.
// A server then needs no loader thread, which under tsx costs about 45 MB of memory. If the
// bundle cannot be written, the sources run through tsx instead.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// V8 lets the old generation grow to up to 4× the live heap between full collections. Under a
// burst of writes that took a server from 160 to 240–290 MB resident; growing by at most 1.5×
// kept it under 190 MB at the same throughput (bench/results/2026-11-29-optimisation.md).
if (!process.execArgv.some((arg) => arg.includes('heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=50');

const root = fileURLToPath(new URL('..', import.meta.url));

async function bundledEntry() {
  const { build } = await import('esbuild');
  const outdir = join(root, 'bundle');
  const result = await build({
    entryPoints: [join(root, 'src/cli/main.ts')], outdir, bundle: true, splitting: true, format: 'esm', platform: 'node',
    target: 'node20', packages: 'external', keepNames: true, write: false, logLevel: 'silent',
  });
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(relative(outdir, file.path)).update(file.contents);
  const dir = join(root, 'node_modules', '.cache', 'conversas', hash.digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'main.js'))) {
    const staging = `${dir}.${process.pid}`;
    for (const file of result.outputFiles) {
      const target = join(staging, relative(outdir, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    // Another process may have written the same bundle meanwhile: either copy will do.
    try { renameSync(staging, dir); } catch { rmSync(staging, { recursive: true, force: true }); }
  }
  return join(dir, 'main.js');
}

let entry;
try {
  entry = pathToFileURL(await bundledEntry()).href;
} catch (error) {
  process.stderr.write(`conversas: running through tsx (could not bundle: ${error.message})\n`);
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
await import(entry);
