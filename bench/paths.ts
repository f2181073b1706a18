import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = resolve(BENCH_DIR, '..');
/** Generated datasets and their manifests; git-ignored. */
export const DATA_DIR = resolve(BENCH_DIR, '.data');
export const RESULTS_DIR = resolve(BENCH_DIR, 'results');

/** Arguments that make `node` run a TypeScript file of this repository. */
export const TSX_EXEC_ARGV = ['--import', 'tsx'];
