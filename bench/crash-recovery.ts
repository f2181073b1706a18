import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { DATA_DIR, ROOT_DIR } from './paths.ts';
import { startConversas, type Served } from './processes.ts';
import { postgresServerUrl, withStore } from './dataset.ts';
import { scratchPostgresDatabase } from '../test/helpers/scratch-database.ts';

const USAGE = `node --import tsx bench/crash-recovery.ts [--engine sqlite|postgres] [--messages N] [--phones N] [--delay-ms MS]

Measures how webhook delivery recovers from a kill -9 of the server. A JuriChat webhook
subscription points at a loopback receiver that answers each POST after --delay-ms (default 500);
--messages sandbox inbound messages (default 300) from --phones people (default 50) are sent, and
once a tenth as many deliveries have arrived the server is killed with SIGKILL in the middle of its
sends (messages keep coming, to the restarted server or to the survivor).
SQLite: the server is restarted on the same file; times count from the restarted server's readiness.
PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres):
two servers share a fresh database, one is killed, the other lives; times count from the kill.
Prints seconds to the last delivery received, and copies received against attempts in the log.`;

const DONE_TIMEOUT_MS = 180_000;

interface Copy {
  at: number;
}

/** Answers every POST with 200 after `delayMs`; remembers each arrival by delivery id. */
class SlowReceiver {
  readonly arrivals = new Map<string, Copy[]>();
  private server: Server | null = null;

  constructor(private readonly delayMs: number) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = req.headers['x-jurichat-delivery'];
        if (typeof id === 'string') this.arrivals.set(id, [...(this.arrivals.get(id) ?? []), { at: Date.now() }]);
        // The sender may be dead by then; a failed write is no concern of the receiver.
        setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), this.delayMs);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  get copies(): number {
    let n = 0;
    for (const copies of this.arrivals.values()) n += copies.length;
    return n;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

interface Credentials {
  workspaceId: string;
  channelId: string;
  apiKey: string;
}

function conversasInit(databaseUrl: string, dataDir: string): Promise<Credentials> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(ROOT_DIR, 'bin/conversas.js'), 'init', '--json', '--name', 'crash recovery'], {
      cwd: ROOT_DIR,
      env: { ...process.env, DATABASE_URL: databaseUrl, CONVERSAS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('exit', (code) =>
      code === 0 ? resolvePromise(JSON.parse(stdout.trim()) as Credentials) : reject(new Error(`conversas init exited with ${code}:\n${stderr}`)),
    );
  });
}

/** A database of its own: a SQLite file under bench/.data, or a new PostgreSQL database dropped afterwards. */
async function freshDatabase(engine: 'sqlite' | 'postgres'): Promise<{ url: string; dataDir: string; drop(): Promise<void> }> {
  const tag = `crash-${process.pid}-${Date.now().toString(36)}`;
  const dataDir = resolve(DATA_DIR, tag);
  mkdirSync(dataDir, { recursive: true });
  if (engine === 'sqlite') {
    return { url: `sqlite:${resolve(dataDir, 'conversas.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const server = postgresServerUrl() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await scratchPostgresDatabase(server, tag.replace(/-/g, '_'));
  return {
    url: database.url,
    dataDir,
    drop: async () => {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

function killHard(served: Served): Promise<void> {
  process.kill(served.pid, 'SIGKILL');
  return new Promise((r) => {
    const check = setInterval(() => {
      try {
        process.kill(served.pid, 0);
      } catch {
        clearInterval(check);
        r();
      }
    }, 10);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'sqlite' },
      messages: { type: 'string', default: '300' },
      phones: { type: 'string', default: '50' },
      'delay-ms': { type: 'string', default: '500' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const engine = values.engine;
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`--engine must be sqlite or postgres\n\n${USAGE}`);
  const messages = Number(values.messages);
  const phones = Number(values.phones);
  const delayMs = Number(values['delay-ms']);

  const database = await freshDatabase(engine);
  const receiver = new SlowReceiver(delayMs);
  const servers: Served[] = [];
  try {
    const credentials = await conversasInit(database.url, database.dataDir);
    const hookUrl = await receiver.start();
    const label = `crash-${engine}`;
    servers.push(await startConversas(database.url, `${label}-a`));
    if (engine === 'postgres') servers.push(await startConversas(database.url, `${label}-b`));
    const [victim] = servers;

    const jurichat = { 'x-jurichat-api-key': credentials.apiKey };
    const events = (await (await fetch(`${victim.origin}/webhooks/events`, { headers: jurichat })).json()) as string[];
    await post(`${victim.origin}/webhooks`, jurichat, { name: 'crash recovery', url: hookUrl, events });

    // Messages go to whichever server is up (the survivor on PostgreSQL); one cut off by the kill is
    // sent again, which its externalId makes harmless.
    let target = engine === 'postgres' ? servers[1] : victim;
    const bearer = { authorization: `Bearer ${credentials.apiKey}` };
    let next = 0;
    const sender = async () => {
      while (next < messages) {
        const n = next++;
        const body = {
          from: { phone: `5511977${String(n % phones).padStart(6, '0')}`, name: `Cliente ${n % phones}` },
          message: { externalId: `crash-${n}`, type: 'text', text: `mensagem ${n}` },
        };
        for (;;) {
          try {
            await post(`${target.origin}/api/v1/channels/${credentials.channelId}/inbound`, bearer, body);
            break;
          } catch {
            await sleep(100);
          }
        }
      }
    };
    const sending = Promise.all(Array.from({ length: 8 }, sender));

    // Killed once a tenth of the messages have had a delivery arrive: batches are in flight at the slow receiver.
    const firstWave = Math.ceil(messages / 10);
    const waveDeadline = Date.now() + 60_000;
    while (receiver.arrivals.size < firstWave && Date.now() < waveDeadline) await sleep(10);
    const beforeKill = receiver.arrivals.size;
    await killHard(victim);
    const killedAt = Date.now();
    let reference = killedAt;
    let referenceName = 'the kill (the other process lives)';
    if (engine === 'sqlite') {
      servers[0] = target = await startConversas(database.url, `${label}-restarted`);
      reference = Date.now();
      referenceName = `the restarted server's readiness (${((reference - killedAt) / 1000).toFixed(1)} s after the kill)`;
    }
    await sending;

    const state = () =>
      withStore(database.url, async ({ db }) => {
        const open = await db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['PENDING', 'RETRYING'])
          .executeTakeFirstOrThrow();
        const total = await db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const attempts = await db
          .selectFrom('delivery_attempts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const counted = await db.selectFrom('deliveries').select(sql<number>`coalesce(sum(attempt_count), 0)`.as('n')).executeTakeFirstOrThrow();
        // Attempts without a status code: interrupted ones (after the change), or refused or timed out ones.
        const unanswered = await db.selectFrom('delivery_attempts').select('delivery_id').where('status_code', 'is', null).execute();
        return {
          open: Number(open.n),
          total: Number(total.n),
          attempts: Number(attempts.n),
          counted: Number(counted.n),
          unanswered: unanswered.length,
          unansweredDeliveries: new Set(unanswered.map((a) => a.delivery_id)),
        };
      });
    const doneDeadline = Date.now() + DONE_TIMEOUT_MS;
    let last = await state();
    while ((last.open > 0 || receiver.arrivals.size < last.total) && Date.now() < doneDeadline) {
      await sleep(250);
      last = await state();
    }
    // Answers still on their way back are recorded before the log is read.
    await sleep(delayMs + 500);
    last = await state();

    const firsts = [...receiver.arrivals.values()].map((copies) => copies[0].at);
    const lastArrival = Math.max(...firsts);
    const afterReference = firsts.filter((at) => at >= reference).map((at) => at - reference);
    const lateOver10s = afterReference.filter((ms) => ms > 10_000).length;
    const firstAfter = afterReference.length > 0 ? Math.min(...afterReference) : NaN;
    // When each delivery whose claim died with the server was sent again.
    const resent = [...last.unansweredDeliveries]
      .map((id) => receiver.arrivals.get(id)?.find((copy) => copy.at >= killedAt)?.at)
      .filter((at): at is number => at !== undefined)
      .map((at) => at - reference);
    const s = (ms: number) => (ms / 1000).toFixed(1);

    console.log(`\ncrash recovery, ${engine}: ${messages} messages from ${phones} people, receiver answers after ${delayMs} ms`);
    console.log(`deliveries: ${last.total} (${beforeKill} had arrived when the server was killed), ${last.open} still open at the end`);
    console.log(`times from ${referenceName}:`);
    console.log(`  first delivery received after it        ${s(firstAfter)} s`);
    console.log(`  last delivery received                  ${s(lastArrival - reference)} s`);
    console.log(`  deliveries first received > 10 s after  ${lateOver10s} of ${afterReference.length}`);
    console.log(`  interrupted deliveries sent again       ${resent.length}${resent.length > 0 ? `, the last ${s(Math.max(...resent))} s after` : ''}`);
    console.log(
      `copies received by the receiver:          ${receiver.copies} (${receiver.arrivals.size} distinct, ${receiver.copies - receiver.arrivals.size} repeated)`,
    );
    console.log(`attempts in delivery_attempts:            ${last.attempts} (${last.unanswered} without a status code); attempt_count sum ${last.counted}`);
  } finally {
    for (const served of servers) await served.stop().catch(() => {});
    await receiver.close();
    await database.drop();
    // startConversas gives each server a files directory named after its label.
    for (const name of ['a', 'b', 'restarted']) rmSync(resolve(DATA_DIR, `crash-${engine}-${name}-files`), { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
