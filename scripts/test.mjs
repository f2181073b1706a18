#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner through tsx. Node 20's --test does not
// expand globs, so the files are found here. Arguments that name files or folders narrow the run;
// other arguments are passed to `node --test`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => testFiles(join(path, entry.name)));
}

const args = process.argv.slice(2);
const targets = args.filter((a) => !a.startsWith('-') && existsSync(a));
const passThrough = args.filter((a) => !targets.includes(a));
const files = (targets.length > 0 ? targets : [join(root, 'test')]).flatMap((t) => testFiles(resolve(t))).sort();
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const databaseUrl = process.env.TEST_DATABASE_URL;
// Each test file builds its own database. SQLite files are independent, so two run side by side.
// On PostgreSQL the event feed shows only transactions older than the cluster-wide snapshot xmin,
// so a transaction in another file's database briefly hides fresh events: one file at a time.
const concurrency = process.env.TEST_CONCURRENCY || (databaseUrl ? '1' : '2');
let engine = 'SQLite only (set TEST_DATABASE_URL=postgres://… to run on PostgreSQL)';
if (databaseUrl) {
  const shown = new URL(databaseUrl);
  if (shown.password) shown.password = '***';
  engine = `PostgreSQL at ${shown.toString()}`;
}
console.log(`Running ${files.length} test file(s) on ${engine}, ${concurrency} at a time.`);

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...passThrough, ...files.map((f) => relative(process.cwd(), f))],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
