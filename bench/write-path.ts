/**
 * The write path's CPU per message, in one process and without a load generator: a tool for
 * tuning, steadier than W1 on a busy machine because it counts CPU time, not throughput.
 * Sandbox inbound messages from 1,000 returning phones go through the real routes (in-process
 * `inject`, 50 in flight, so SQLite groups commits as under load), then the webhook dispatcher
 * sends their deliveries to a receiver in another process. Prints CPU µs per message, first for
 * the ingest alone, then for the ingest with the dispatcher running until every delivery is sent. `node --import tsx bench/write-path.ts [sqlite|postgres] [messages] [--new-phones] [--rate=N]`; PostgreSQL needs
 * BENCH_DATABASE_URL (a scratch database is created and dropped). `--cpu-prof` on node profiles it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { initWorkspace } from '../src/domain/workspaces.ts';
import { Dispatcher } from '../src/events/dispatcher.ts';
import { PostgresCpuMeter } from './processes.ts';
import { scratchPostgresDatabase } from '../test/helpers/scratch-database.ts';

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const messages = Number(process.argv.slice(3).find((a) => /^\d+$/.test(a)) ?? 6000);
const PHONES = 1000;
/** `--new-phones`: every measured message comes from a phone never seen (a person and a conversation each). */
const NEW_PHONES = process.argv.includes('--new-phones');
let measuring = false;
const IN_FLIGHT = 50;
/** `--rate=N`: measured messages are offered at N per second (paced), not as fast as IN_FLIGHT allows. */
const RATE = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice('--rate='.length) ?? 0);

const dataDir = mkdtempSync(join(tmpdir(), 'conversas-write-path-'));
let databaseUrl = `sqlite:${join(dataDir, 'w.db')}`;
let dropDatabase = async () => {};
if (engine === 'postgres') {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('postgres needs BENCH_DATABASE_URL');
  const database = await scratchPostgresDatabase(server, `conversas_write_path_${process.pid}`);
  databaseUrl = database.url;
  dropDatabase = database.drop;
}

const receiver = spawn(
  process.execPath,
  [
    '-e',
    `let n=0;require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>{n++;s.end('ok')})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [portLine] = (await once(receiver.stdout!, 'data')) as [Buffer];
const hookUrl = `http://127.0.0.1:${String(portLine).trim()}/hook`;

const store = openStore(databaseUrl);
await migrateToLatest(store);
const config = loadConfig(
  { CONVERSAS_DATA_DIR: dataDir, CONVERSAS_RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'silent' },
  { databaseUrl, runWorkers: false, allowPrivateWebhooks: true },
);
const app = await buildApp(config, store, { logger: false });
await app.ready();
const ws = await initWorkspace(store.db, 'Bench');
const headers = { authorization: `Bearer ${ws.apiKey}` };
const jurichat = { 'x-jurichat-api-key': ws.apiKey };
const events = (await app.inject({ method: 'GET', url: '/webhooks/events', headers: jurichat })).json() as { data?: string[] } | string[];
const eventNames = Array.isArray(events) ? events : (events.data ?? []);
const hook = await app.inject({ method: 'POST', url: '/webhooks', headers: jurichat, payload: { name: 'write path', url: hookUrl, events: eventNames } });
if (hook.statusCode >= 300) throw new Error(`webhook: ${hook.statusCode} ${hook.body}`);

let sent = 0;
async function send(count: number): Promise<void> {
  const end = sent + count;
  const first = sent;
  const startedAt = performance.now();
  const worker = async () => {
    while (sent < end) {
      const n = sent++;
      const due = measuring && RATE > 0 ? startedAt + ((n - first) * 1000) / RATE - performance.now() : 0;
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/channels/${ws.channelId}/inbound`,
        headers,
        payload: {
          from:
            NEW_PHONES && measuring
              ? { phone: `+55118${String(n).padStart(8, '0')}`, name: `Novo ${n}` }
              : { phone: `+55119${String(n % PHONES).padStart(8, '0')}`, name: `Cliente ${n % PHONES}` },
          message: { type: 'text', text: 'Olá, boa tarde!', externalId: `w${n}` },
        },
      });
      if (response.statusCode >= 300) throw new Error(`inbound: ${response.statusCode} ${response.body}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

const dispatcher = new Dispatcher({
  db: store.db,
  engine: store.engine,
  transact: store.transact,
  webhookFormats: app.ctx.webhookFormats,
  config: { allowPrivateWebhooks: true },
  logger: { debug() {}, warn() {}, error() {} },
});
async function drain(): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await dispatcher.runOnce();
    if (n === 0) return total;
    total += n;
  }
}

const micros = (u: NodeJS.CpuUsage) => u.user + u.system;
const undelivered = async () =>
  Number(
    (
      await store.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['PENDING', 'RETRYING'])
        .executeTakeFirstOrThrow()
    ).n,
  );
// Warm-up: every phone's first message (people and conversations), the JIT, the statement caches.
await send(PHONES + 2000);
await drain();
// This machine's PostgreSQL runs with autovacuum off; a production server's would have analyzed the
// tables by now, and a statement's generic plan made before that scans by stale estimates.
if (engine === 'postgres') await sql`vacuum analyze`.execute(store.db);
measuring = true;

// The local PostgreSQL server's CPU (every backend, the undelivered polls below included), if it is local.
const databaseMeter = () => (engine === 'postgres' ? new PostgresCpuMeter() : null);

// Ingest alone: the dispatcher is idle.
let start = process.cpuUsage();
let database = databaseMeter();
let t0 = performance.now();
await send(messages);
const ingest = process.cpuUsage(start);
const ingestDatabase = database?.stop() ?? null;
const ingestSeconds = (performance.now() - t0) / 1000;
await drain();

// Ingest while the dispatcher sends, as under W1, until every delivery is sent.
start = process.cpuUsage();
database = databaseMeter();
t0 = performance.now();
dispatcher.start();
await send(messages);
while ((await undelivered()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
await dispatcher.stop();
const both = process.cpuUsage(start);
const bothDatabase = database?.stop() ?? null;
const bothSeconds = (performance.now() - t0) / 1000;

const row = {
  engine,
  messages,
  rate: RATE || 'unlimited',
  ingestUsPerMessage: Math.round(micros(ingest) / messages),
  withDeliveryUsPerMessage: Math.round(micros(both) / messages),
  /** Of which system time (the kernel's side of the sockets). */
  ingestSystemUs: Math.round(ingest.system / messages),
  withDeliverySystemUs: Math.round(both.system / messages),
  /** PostgreSQL's processes on this machine, µs per message (null on SQLite). */
  ingestDatabaseUs: ingestDatabase === null ? null : Math.round(ingestDatabase / messages),
  withDeliveryDatabaseUs: bothDatabase === null ? null : Math.round(bothDatabase / messages),
  ingestPerSecond: Math.round(messages / ingestSeconds),
  withDeliveryPerSecond: Math.round(messages / bothSeconds),
};
console.log(JSON.stringify(row));
await app.close();
await store.close();
receiver.kill();
await dropDatabase();
rmSync(dataDir, { recursive: true, force: true });
