import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = resolve(BENCH_DIR, '..');
/** Generated datasets and their manifests; git-ignored. */
export const DATA_DIR = resolve(BENCH_DIR, '.data');
export const RESULTS_DIR = resolve(BENCH_DIR, 'results');

/**
 * A bench script as plain JavaScript, bundled by esbuild like bin/conversas.js bundles the server:
 * the references and the load generator run the way the server runs, without a TypeScript loader.
 */
export function scriptPath(name: string): string {
  const outfile = resolve(DATA_DIR, 'js', name.replace(/\.ts$/, '.mjs'));
  buildSync({
    entryPoints: [resolve(BENCH_DIR, name)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}
