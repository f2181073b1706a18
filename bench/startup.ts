// Start-to-ready time of `node bin/conversas.js serve`: from spawning the process until GET /readyz
// answers 200, the downtime an operator sees after a crash. Not a test: it prints a table.
//
//   node --import tsx bench/startup.ts [--runs N] [--database-url URL] [--data-dir DIR] [--crash] [--bin PATH]
//
// Without --database-url it uses SQLite at DIR/conversas.db (DIR defaults to bench/.data/startup).
// An empty database (SQLite file or existing PostgreSQL database) gets `conversas init` and
// `conversas seed --conversations 1000` first. --crash also measures restarts after kill -9 of a
// server that was writing (on SQLite, a WAL is left behind). --bin runs another checkout's
// bin/conversas.js, to measure before and after a change on the same machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, ROOT_DIR } from './paths.ts';

const POLL_MS = 5;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string', default: join(DATA_DIR, 'startup') },
    crash: { type: 'boolean', default: false },
    bin: { type: 'string', default: resolve(ROOT_DIR, 'bin/conversas.js') },
  },
});
const BIN = resolve(values.bin!);
const runs = Number(values.runs);
const dataDir = resolve(values['data-dir']!);
const databaseUrl = values['database-url'] ?? `sqlite:${join(dataDir, 'conversas.db')}`;
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, CONVERSAS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => ok(port));
      });
  });
}

function cli(...args: string[]): string {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`conversas ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** A fresh SQLite database with one workspace and 1,000 conversations, made once. */
function ensureDatabase(): void {
  mkdirSync(dataDir, { recursive: true });
  if (databaseUrl.startsWith('sqlite:') && existsSync(databaseUrl.slice('sqlite:'.length))) return;
  if (!databaseUrl.startsWith('sqlite:') && !/applied \d+ migration/.test(cli('migrate'))) return;
  cli('init', '--json');
  cli('seed', '--conversations', '1000');
}

async function isReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  port: number;
  ms: number;
}

/** Spawns `serve` and polls /readyz every few milliseconds until it answers 200. */
async function startServer(): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (!(await isReady(port))) {
    if (exited) throw new Error(`conversas serve exited with code ${child.exitCode}`);
    if (performance.now() - started > 60_000) throw new Error('not ready within 60 s');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { child, port, ms: performance.now() - started };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exit;
}

/** Writes through the API for a moment (so the WAL holds frames), then kills the server with SIGKILL. */
async function crashWhileWriting(server: Started, channelId: string, apiKey: string): Promise<number> {
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < 200; i++) {
    sends.push(
      fetch(`http://127.0.0.1:${server.port}/api/v1/channels/${channelId}/inbound`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: { phone: `5511900${String(i).padStart(6, '0')}` }, message: { type: 'text', text: `crash ${i}` } }),
      }).catch(() => null),
    );
  }
  await Promise.all(sends.slice(0, 100));
  await stop(server.child, 'SIGKILL');
  const wal = `${databaseUrl.slice('sqlite:'.length)}-wal`;
  return databaseUrl.startsWith('sqlite:') && existsSync(wal) ? statSync(wal).size : 0;
}

function row(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `| ${label} | ${times.map((t) => t.toFixed(0)).join(', ')} | ${median.toFixed(0)} | ${sorted[sorted.length - 1].toFixed(0)} |`;
}

function helpTimes(): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return times;
}

ensureDatabase();
const shown = databaseUrl.startsWith('sqlite:') ? `SQLite at ${databaseUrl.slice(7)}` : 'PostgreSQL';
console.log(`Start-to-ready of conversas serve on ${shown}, ${runs} runs each (ms)\n`);
console.log('| start | runs | median | max |\n|---|---|---|---|');
console.log(row('`--help`', helpTimes()));

const clean: number[] = [];
for (let i = 0; i < runs; i++) {
  const server = await startServer();
  clean.push(server.ms);
  await stop(server.child, 'SIGTERM');
}
console.log(row('after a clean stop', clean));

if (values.crash) {
  const credentials = JSON.parse(cli('init', '--json')) as { channelId: string; apiKey: string };
  const crashed: number[] = [];
  const walSizes: number[] = [];
  let server = await startServer();
  for (let i = 0; i < runs; i++) {
    walSizes.push(await crashWhileWriting(server, credentials.channelId, credentials.apiKey));
    server = await startServer();
    crashed.push(server.ms);
  }
  await stop(server.child, 'SIGTERM');
  const wal = databaseUrl.startsWith('sqlite:') ? ` (WAL left behind: ${walSizes.map((s) => `${Math.round(s / 1024)} KB`).join(', ')})` : '';
  console.log(row(`after kill -9 while writing${wal}`, crashed));
}
