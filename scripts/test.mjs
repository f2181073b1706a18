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
if (databaseUrl) await assertReachable(databaseUrl, engine);
console.log(`Running ${files.length} test file(s) on ${engine}, ${concurrency} at a time.`);

/**
 * Every test file creates its databases through TEST_DATABASE_URL: if it cannot be reached, say so
 * once, with how to fix it, instead of one failure per file.
 */
async function assertReachable(url, shown) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const name = new URL(url).pathname.slice(1) || '(none)';
    const hint =
      error.code === '3D000'
        ? `Create it first, e.g. psql "${shown.replace(/^PostgreSQL at /, '').replace(/\/[^/?]*(\?|$)/, '/postgres$1')}" -c 'create database ${name}'`
        : 'Is PostgreSQL running there, and may this role connect and CREATE DATABASE?';
    console.error(`Cannot use TEST_DATABASE_URL (${shown}): ${error.message}.\n${hint}`);
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...passThrough, ...files.map((f) => relative(process.cwd(), f))],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
