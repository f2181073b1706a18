import { isDeepStrictEqual } from 'node:util';
import type { Manifest, EngineName } from './dataset.ts';
import { PHONE_PREFIX, resetBenchWrites, withStore } from './dataset.ts';
import { type InboundSpec, type LoadResult, type LoadSpec, type LoadWorker, type WhatsAppSpec, wamidOf, whatsappBody } from './load-client.ts';
import {
  startInboundStackFloorServer,
  RssSampler,
  cpuMicros,
  PostgresCpuMeter,
  runJsonScript,
  startConversas,
  startFloorServer,
  startReferenceServer,
  startStackFloorServer,
  type ServerDiagnostics,
  type Served,
} from './processes.ts';
import { WebhookReceiver } from './receiver.ts';
import { EventStreamReader } from './stream-client.ts';
import { I1_TARGET_P95_MS, measureInboxOpen } from './inbox-open.ts';
import { statementTimingsOf } from './statement-table.ts';

export const SCENARIOS = ['R1', 'R2', 'R3', 'W1', 'D1', 'D2', 'W2', 'W3', 'I1'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface RunSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Read scenarios alternate their two sides this many times (shared noise on a shared machine). */
  rounds: number;
  only: ReadonlySet<ScenarioName>;
  /** How long D1 waits for the last deliveries after the load stops. */
  drainTimeoutSeconds: number;
  /** A CPU profile (--cpu-prof) and SQL statement timings (SQLite) of the server, when asked for. */
  diagnostics: ServerDiagnostics;
}

/** One measured side of a scenario: its load, combined over rounds. */
export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  peakRssMb: number | null;
  /** The side's process CPU (utime + stime) per 2xx answer over the measured rounds, when its pid is known. */
  cpuUsPerRequest: number | null;
  /** The local PostgreSQL server's CPU per 2xx answer while this side was measured (PostgreSQL runs only). */
  databaseCpuUsPerRequest: number | null;
}

/** One line of the table. */
export interface Row {
  scenario: string;
  rps: number | null;
  p50: number | null;
  p99: number | null;
  reference: string | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  peakRssMb: number | null;
  /** The server process's CPU time (user + system) over the measured window, per acknowledged message. */
  cpuUsPerMessage?: number | null;
}

export interface ScenarioSummary {
  rps: number | null;
  p50: number | null;
  p99: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  [extra: string]: unknown;
}

export interface EngineReport {
  engine: EngineName;
  rows: Row[];
  summary: Partial<Record<ScenarioName, ScenarioSummary>>;
  notes: string[];
  serverPeakRssMb: number | null;
  rssPass: boolean | null;
  failures: string[];
}

/** D1 reports the lag of events from the load's first seconds apart: then every message is a phone's first. */
const OPENING_SECONDS = 3;

/** W2: messages per signed webhook, and the people they come from. */
const W2_BATCH = 10;
const W2_PEOPLE_PER_BATCH = 5;

/** Issue 15's targets where it set one (R1, R2's p99, W1, W3), the benchmarks issue's elsewhere. */
export const TARGETS = {
  /** R1 against the same-run reference server: SQLite, and PostgreSQL against its own reference. */
  R1: { sqlite: 0.85, postgres: 0.9 },
  R2: 1.5,
  /** R2: p99 at most this many times p50, on page 1 and on the deep page, with no timeouts. */
  R2TailVsMedian: 3,
  R3: 1.2,
  /** W1 acknowledged messages/s: SQLite at least its same-run reference ingest, PostgreSQL at least 1,000/s. */
  W1VsReferenceSqlite: 1,
  W1PostgresPerSecond: 1000,
  /** W1 server CPU µs per acknowledged message, webhook delivery included. */
  W1CpuUs: { sqlite: 350, postgres: 800 },
  D1LagMs: 1000,
  D2LagMs: 1000,
  RssMb: 250,
  PostgresR1VsSqlite: 0.5,
  W3CpuVsW1: 1.15,
} as const;

type Log = (line: string) => void;

function combine(results: LoadResult[], peakRssMb: number | null, cpuMicros: number | null = null, databaseCpuMicros: number | null = null): Measured {
  const ok = results.reduce((s, r) => s + r.ok, 0);
  const seconds = results.reduce((s, r) => s + r.durationSeconds, 0);
  const mean = (pick: (r: LoadResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  return {
    rps: ok / seconds,
    p50: mean((r) => r.p50),
    p99: mean((r) => r.p99),
    ok,
    seconds,
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
    peakRssMb,
    cpuUsPerRequest: cpuMicros !== null && ok > 0 ? cpuMicros / ok : null,
    databaseCpuUsPerRequest: databaseCpuMicros !== null && ok > 0 ? databaseCpuMicros / ok : null,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const describe = (m: Measured) =>
  `${fmt(m.rps)} req/s, p50 ${fmt(m.p50, 1)} ms, p99 ${fmt(m.p99, 1)} ms${m.non2xx || m.errors ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''}`;

interface Side {
  label: string;
  spec: LoadSpec;
  sampler: RssSampler | null;
  /** The process answering, whose CPU per request is measured. */
  pid?: number;
  /** Also measure the local PostgreSQL server's CPU per request. */
  databaseCpu?: boolean;
}

/** The order of `count` sides in round `round`: forwards, then backwards (A B, B A; A B C, C B A), so drift hits every side alike. */
const alternatingOrder = (round: number, count = 2): number[] => {
  const order = Array.from({ length: count }, (_, i) => i);
  return round % 2 === 0 ? order : order.reverse();
};

/**
 * Measures sides (server and reference, or shallow and deep) alternately: a warm-up of each, then
 * `rounds` rounds in A B, B A order, so a change in the machine's load hits every side alike.
 */
async function measureSides(worker: LoadWorker, settings: RunSettings, sides: Side[], log: Log): Promise<Measured[]> {
  if (settings.warmupSeconds > 0) {
    for (const side of sides) await worker.run({ ...side.spec, durationSeconds: settings.warmupSeconds });
  }
  const results: LoadResult[][] = sides.map(() => []);
  const peaks: (number | null)[] = sides.map(() => null);
  const cpu: (number | null)[] = sides.map((side) => (side.pid === undefined ? null : 0));
  const databaseCpu: (number | null)[] = sides.map((side) => (side.databaseCpu ? 0 : null));
  for (let round = 0; round < settings.rounds; round++) {
    for (const i of alternatingOrder(round, sides.length)) {
      const side = sides[i]!;
      side.sampler?.reset();
      const cpuBefore = side.pid === undefined ? null : cpuMicros(side.pid);
      const database = side.databaseCpu ? new PostgresCpuMeter() : null;
      results[i]!.push(await worker.run(side.spec));
      const cpuAfter = side.pid === undefined ? null : cpuMicros(side.pid);
      cpu[i] = cpu[i] === null || cpuBefore === null || cpuAfter === null ? null : cpu[i]! + cpuAfter - cpuBefore;
      if (database) databaseCpu[i] = (databaseCpu[i] ?? 0) + database.stop();
      const peak = side.sampler?.windowMb() ?? null;
      if (peak !== null) peaks[i] = Math.max(peaks[i] ?? 0, peak);
    }
  }
  const measured = sides.map((_, i) => combine(results[i]!, peaks[i]!, cpu[i] ?? null, databaseCpu[i] ?? null));
  for (const [i, side] of sides.entries()) log(`  ${side.label}: ${describe(measured[i]!)}`);
  return measured;
}

async function measurePair(worker: LoadWorker, settings: RunSettings, a: Side, b: Side, log: Log): Promise<[Measured, Measured]> {
  const [ours, theirs] = await measureSides(worker, settings, [a, b], log);
  return [ours!, theirs!];
}

// biome-ignore lint/suspicious/noExplicitAny: the bench reads answers loosely and compares them whole.
async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: response.status, body };
}

/** The first place two JSON values differ, as a path. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`;
}

function pick<T>(items: T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count && items.length > 0; i++) out.push(items[Math.floor(Math.random() * items.length)]!);
  return out;
}

const roundOrNull = (n: number | null) => (n === null ? null : Math.round(n));
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const round3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
/** What every write scenario's summary starts with. */
const summaryHead = (rps: number, load: { p50: number; p99: number }, ratio: number | null, target: string, pass: boolean | null) => ({
  rps: Math.round(rps),
  p50: round1(load.p50),
  p99: round1(load.p99),
  ratio: round3(ratio),
  target,
  pass,
});

async function scenarioR1(ctx: EngineContext): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  log('R1: GET /conversation/{id}?limit=50 over random conversations, against the reference server');
  const reference = await startReferenceServer(manifest.databaseUrl);
  const referenceSampler = new RssSampler(reference.pid);
  // PostgreSQL: the reference's queries on Fastify and Kysely too, to show what the stack itself costs.
  const floor = manifest.engine === 'postgres' ? await startStackFloorServer(manifest.databaseUrl) : null;
  const floorSampler = floor ? new RssSampler(floor.pid) : null;
  try {
    const headers = { 'x-jurichat-api-key': manifest.apiKey };
    const paths = manifest.conversationIds.map((id) => `/conversation/${id}?limit=50`);
    const checked = [
      ...pick(paths, 20),
      `/conversation/${manifest.deep.conversationId}?limit=50`,
      `/conversation/${manifest.deep.conversationId}?limit=50&cursor=${manifest.deep.cursor}`,
    ];
    let mismatches = 0;
    for (const path of checked) {
      const [ours, theirs, floors] = await Promise.all([
        getJson(server.origin + path, headers),
        getJson(reference.origin + path, headers),
        floor ? getJson(floor.origin + path, headers) : null,
      ]);
      const floorDifference = floors && firstDifference(floors.body, theirs.body);
      const difference =
        ours.status !== 200
          ? `server answered ${ours.status}`
          : (firstDifference(ours.body, theirs.body) ?? (floorDifference ? `stack floor: ${floorDifference}` : null));
      if (difference) {
        mismatches++;
        if (mismatches === 1) report.notes.push(`R1: the reference's answer differs from the server's for ${path}: ${difference}`);
      }
    }
    report.notes.push(
      `R1: the reference server's JSON was compared with the server's${floor ? ' and the stack floor' : ''} on ${checked.length} pages: ${mismatches === 0 ? 'identical' : `${mismatches} differ`}.`,
    );
    const side = (label: string, origin: string, sampler: RssSampler | null, pid: number): Side => ({
      label,
      spec: { kind: 'get', origin, headers, paths, connections: settings.connections, durationSeconds: settings.durationSeconds },
      sampler,
      pid,
      databaseCpu: manifest.engine === 'postgres',
    });
    const sides = [side('server', server.origin, ctx.sampler, server.pid), side('reference', reference.origin, referenceSampler, reference.pid)];
    if (floor && floorSampler) sides.push(side('stack floor', floor.origin, floorSampler, floor.pid));
    const [ours, theirs, floorMeasured] = (await measureSides(worker, settings, sides, log)) as [Measured, Measured, Measured | undefined];
    const ratio = ours.rps / theirs.rps;
    const least = TARGETS.R1[manifest.engine];
    const pass = ratio >= least && ours.non2xx === 0 && ours.errors === 0 && mismatches === 0;
    const target = `≥ ${least * 100} % of reference req/s`;
    report.rows.push({
      scenario: 'R1 conversation page (server)',
      rps: ours.rps,
      p50: ours.p50,
      p99: ours.p99,
      reference: `${fmt(theirs.rps)} req/s`,
      ratio,
      target,
      pass,
      peakRssMb: ours.peakRssMb,
      cpuUsPerMessage: ours.cpuUsPerRequest,
    });
    report.rows.push({
      scenario: 'R1 reference server',
      rps: theirs.rps,
      p50: theirs.p50,
      p99: theirs.p99,
      reference: null,
      ratio: null,
      target: '—',
      pass: null,
      peakRssMb: theirs.peakRssMb,
      cpuUsPerMessage: theirs.cpuUsPerRequest,
    });
    if (floorMeasured)
      report.rows.push({
        scenario: 'R1 stack floor (reference on Fastify + Kysely)',
        rps: floorMeasured.rps,
        p50: floorMeasured.p50,
        p99: floorMeasured.p99,
        reference: `${fmt(theirs.rps)} req/s`,
        ratio: floorMeasured.rps / theirs.rps,
        target: '—',
        pass: null,
        peakRssMb: floorMeasured.peakRssMb,
        cpuUsPerMessage: floorMeasured.cpuUsPerRequest,
      });
    report.summary.R1 = {
      rps: Math.round(ours.rps),
      p50: round1(ours.p50),
      p99: round1(ours.p99),
      ratio: round3(ratio),
      target,
      pass,
      reference: {
        rps: Math.round(theirs.rps),
        p50: round1(theirs.p50),
        p99: round1(theirs.p99),
        cpuUsPerRequest: roundOrNull(theirs.cpuUsPerRequest),
        databaseCpuUsPerRequest: roundOrNull(theirs.databaseCpuUsPerRequest),
      },
      cpuUsPerRequest: roundOrNull(ours.cpuUsPerRequest),
      databaseCpuUsPerRequest: roundOrNull(ours.databaseCpuUsPerRequest),
      non2xx: ours.non2xx,
      errors: ours.errors,
      jsonMismatches: mismatches,
      peakRssMb: round1(ours.peakRssMb),
      ...(floorMeasured
        ? {
            stackFloor: {
              rps: Math.round(floorMeasured.rps),
              ratio: round3(floorMeasured.rps / theirs.rps),
              cpuUsPerRequest: roundOrNull(floorMeasured.cpuUsPerRequest),
              databaseCpuUsPerRequest: roundOrNull(floorMeasured.databaseCpuUsPerRequest),
            },
          }
        : {}),
    };
    if (ours.non2xx || ours.errors) report.notes.push(`R1: ${ours.non2xx} non-2xx answers and ${ours.errors} errors from the server.`);
    if (ours.cpuUsPerRequest !== null && theirs.cpuUsPerRequest !== null)
      report.notes.push(
        `R1 CPU per request: the server's process ${fmt(ours.cpuUsPerRequest)} µs, the reference's ${fmt(theirs.cpuUsPerRequest)} µs` +
          (ours.databaseCpuUsPerRequest !== null && theirs.databaseCpuUsPerRequest !== null
            ? `; PostgreSQL's processes ${fmt(ours.databaseCpuUsPerRequest)} µs while the server was measured, ${fmt(theirs.databaseCpuUsPerRequest)} µs while the reference was.`
            : '.'),
      );
    if (floorMeasured)
      report.notes.push(
        `R1 stack floor: the reference's queries and page on Fastify 5 (TypeBox validation and serialisation) and Kysely over the server's pool reached ${fmt(floorMeasured.rps)} req/s, ` +
          `${fmt(floorMeasured.rps / theirs.rps, 2)} of the reference; the server reached ${fmt(ours.rps / floorMeasured.rps, 2)} × the stack floor. ` +
          `CPU per request: ${fmt(floorMeasured.cpuUsPerRequest ?? Number.NaN)} µs in its process, ${fmt(floorMeasured.databaseCpuUsPerRequest ?? Number.NaN)} µs in PostgreSQL's.`,
      );
  } finally {
    referenceSampler.stop();
    floorSampler?.stop();
    await reference.stop();
    await floor?.stop();
  }
}

async function scenarioR2(ctx: EngineContext): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  const headers = { 'x-jurichat-api-key': manifest.apiKey };
  const listPath = (page: number) => `/conversation?inboxId=${manifest.inboxId}&limit=20&page=${page}`;
  const first = await getJson(server.origin + listPath(1), headers);
  if (first.status !== 200) throw new Error(`R2: page 1 answered ${first.status}: ${JSON.stringify(first.body).slice(0, 200)}`);
  let deepPage = manifest.profile.listDeepPage;
  const totalPages = Number(first.body.totalPages);
  if (deepPage > totalPages) {
    report.notes.push(`R2: the list has ${totalPages} pages; measuring page ${totalPages} instead of ${deepPage}.`);
    deepPage = totalPages;
  }
  const deep = await getJson(server.origin + listPath(deepPage), headers);
  if (deep.status !== 200 || !Array.isArray(deep.body.data) || deep.body.data.length === 0)
    throw new Error(`R2: page ${deepPage} is empty or failed (${deep.status})`);
  log(`R2: GET /conversation?inboxId=…&limit=20, page 1 against page ${deepPage} (of ${totalPages}, ${first.body.totalResults} conversations)`);
  const spec = (page: number): LoadSpec => ({
    kind: 'get',
    origin: server.origin,
    headers,
    paths: [listPath(page)],
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
  });
  const [shallow, deeper] = await measurePair(
    worker,
    settings,
    { label: 'page 1', spec: spec(1), sampler: ctx.sampler },
    { label: `page ${deepPage}`, spec: spec(deepPage), sampler: ctx.sampler },
    log,
  );
  const ratio = deeper.p50 / shallow.p50;
  const tail = (m: Measured) => m.p99 <= TARGETS.R2TailVsMedian * m.p50 && m.timeouts === 0;
  const pass = ratio <= TARGETS.R2 && tail(shallow) && tail(deeper) && deeper.non2xx === 0 && shallow.non2xx === 0;
  const target = `p50 ≤ ${TARGETS.R2}× page 1; on both pages p99 ≤ ${TARGETS.R2TailVsMedian}× p50, no timeouts`;
  report.rows.push({
    scenario: 'R2 list page 1',
    rps: shallow.rps,
    p50: shallow.p50,
    p99: shallow.p99,
    reference: null,
    ratio: null,
    target: '—',
    pass: null,
    peakRssMb: shallow.peakRssMb,
  });
  report.rows.push({
    scenario: `R2 list page ${deepPage}`,
    rps: deeper.rps,
    p50: deeper.p50,
    p99: deeper.p99,
    reference: `page 1 p50 ${fmt(shallow.p50, 1)} ms`,
    ratio,
    target,
    pass,
    peakRssMb: deeper.peakRssMb,
  });
  report.summary.R2 = {
    rps: Math.round(deeper.rps),
    p50: round1(deeper.p50),
    p99: round1(deeper.p99),
    ratio: round3(ratio),
    target,
    pass,
    page: deepPage,
    page1: { rps: Math.round(shallow.rps), p50: round1(shallow.p50), p99: round1(shallow.p99) },
    peakRssMb: round1(Math.max(shallow.peakRssMb ?? 0, deeper.peakRssMb ?? 0)),
  };
}

async function scenarioR3(ctx: EngineContext): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  const headers = { 'x-jurichat-api-key': manifest.apiKey };
  const { deep } = manifest;
  const firstPath = `/conversation/${deep.conversationId}?limit=50`;
  const deepPath = `${firstPath}&cursor=${deep.cursor}`;
  const probe = await getJson(server.origin + deepPath, headers);
  if (probe.status !== 200 || probe.body.data?.messages?.length !== 50)
    throw new Error(`R3: the page at depth ${deep.depth} did not answer 50 messages (${probe.status})`);
  log(`R3: the ${fmt(deep.visibleMessages)}-message conversation, first page against the page at depth ${fmt(deep.depth)}`);
  const spec = (path: string): LoadSpec => ({
    kind: 'get',
    origin: server.origin,
    headers,
    paths: [path],
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
  });
  const [shallow, deeper] = await measurePair(
    worker,
    settings,
    { label: 'first page', spec: spec(firstPath), sampler: ctx.sampler },
    { label: `depth ${deep.depth}`, spec: spec(deepPath), sampler: ctx.sampler },
    log,
  );
  const ratio = deeper.p50 / shallow.p50;
  const pass = ratio <= TARGETS.R3 && deeper.non2xx === 0 && shallow.non2xx === 0;
  const target = `p50 ≤ ${TARGETS.R3}× first page`;
  report.rows.push({
    scenario: 'R3 messages, first page',
    rps: shallow.rps,
    p50: shallow.p50,
    p99: shallow.p99,
    reference: null,
    ratio: null,
    target: '—',
    pass: null,
    peakRssMb: shallow.peakRssMb,
  });
  report.rows.push({
    scenario: `R3 messages, depth ${fmt(deep.depth)}`,
    rps: deeper.rps,
    p50: deeper.p50,
    p99: deeper.p99,
    reference: `first p50 ${fmt(shallow.p50, 1)} ms`,
    ratio,
    target,
    pass,
    peakRssMb: deeper.peakRssMb,
  });
  report.summary.R3 = {
    rps: Math.round(deeper.rps),
    p50: round1(deeper.p50),
    p99: round1(deeper.p99),
    ratio: round3(ratio),
    target,
    pass,
    depth: deep.depth,
    firstPage: { rps: Math.round(shallow.rps), p50: round1(shallow.p50), p99: round1(shallow.p99) },
    peakRssMb: round1(Math.max(shallow.peakRssMb ?? 0, deeper.peakRssMb ?? 0)),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface ReferenceIngest {
  messages: number;
  people: number;
  conversations: number;
  events: number;
  seconds: number;
  rate: number;
  /** The script's own CPU per message (no HTTP); null from an older script. */
  cpuUsPerMessage?: number | null;
  /** PostgreSQL: the local server's CPU per message while the script ran (measured by the harness). */
  databaseCpuUsPerMessage?: number | null;
  /** SQLite: the same rows again, 64 messages per transaction as the server's largest commit group: the CPU floor's rows part. */
  grouped?: ReferenceIngest | null;
  /** The same rows and webhooks behind the server's stack (inbound-stack-floor-server.ts), under W1's load. */
  stackFloor?: StackFloorMeasure | null;
  /** The stack floor again, recording each delivery's outcome as a durable outbox must. */
  stackFloorOutbox?: StackFloorMeasure | null;
}

/** W1's load: sandbox inbound messages from 1,000 phones into the dataset's channel, sent to `origin`. */
function inboundLoad(
  manifest: Manifest,
  settings: RunSettings,
  origin: string,
  phonePrefix: string,
  externalIdPrefix: string,
  durationSeconds: number,
): InboundSpec {
  return {
    kind: 'inbound',
    origin,
    headers: { authorization: `Bearer ${manifest.apiKey}` },
    path: `/api/v1/channels/${manifest.channelId}/inbound`,
    phonePrefix,
    phones: 1000,
    externalIdPrefix,
    connections: settings.connections,
    durationSeconds,
  };
}

/** W1's load against one of the floor servers: its rate, latencies and CPU per acknowledged message. */
interface FloorMeasure {
  rate: number;
  p50: number;
  p99: number;
  cpuUsPerMessage: number;
}

export interface StackFloorMeasure extends FloorMeasure {
  /** PostgreSQL: the local server's CPU per acknowledged message while it ran. */
  databaseCpuUsPerMessage: number | null;
}

/** Runs `use` on a floor server started by `start`, which sends its webhooks to a receiver of its own; stops both after. */
async function withFloorServer<T>(start: (webhookUrl: string) => Promise<Served>, use: (floor: Served) => Promise<T>): Promise<T> {
  const sink = new WebhookReceiver();
  try {
    const floor = await start(await sink.start());
    try {
      return await use(floor);
    } finally {
      await floor.stop();
    }
  } finally {
    await sink.close();
  }
}

/** `spec` against `floor`, measured by the floor process's CPU (and PostgreSQL's, when `database` meters it) per acknowledged message. */
async function measureLoadOn(worker: LoadWorker, floor: Served, spec: InboundSpec, database: PostgresCpuMeter | null): Promise<StackFloorMeasure> {
  const before = cpuMicros(floor.pid);
  const load = await worker.run({ ...spec, origin: floor.origin });
  const databaseCpu = database?.stop() ?? null;
  const after = cpuMicros(floor.pid);
  const acked = load.ackedMessageIds?.length ?? 0;
  if (before === null || after === null || acked === 0) throw new Error(`no CPU figure (${acked} acknowledged, ${load.non2xx} non-2xx)`);
  return {
    rate: acked / load.durationSeconds,
    p50: load.p50,
    p99: load.p99,
    cpuUsPerMessage: (after - before) / acked,
    databaseCpuUsPerMessage: databaseCpu === null ? null : databaseCpu / acked,
  };
}

/**
 * W1's load, warm-up first, against bench/inbound-stack-floor-server.ts (the reference's rows per
 * request on Fastify and Kysely, one signed webhook per delivery row): the least CPU per message the
 * decided stack spends on this work, and the most it carries. With `outbox`, the same server also
 * records each delivery's outcome, the least a durable outbox adds. Run while no server holds the database.
 */
export async function measureInboundStackFloor(
  manifest: Manifest,
  worker: LoadWorker,
  settings: RunSettings,
  log: Log,
  outbox = false,
): Promise<StackFloorMeasure> {
  const seconds = settings.durationSeconds * settings.rounds;
  const tag = Date.now().toString(36);
  const name = outbox ? 'stack floor with outcomes' : 'stack floor';
  const phones = outbox
    ? { warmup: PHONE_PREFIX.stackFloorOutboxWarmup, measured: PHONE_PREFIX.stackFloorOutbox, ids: 'sfo' }
    : { warmup: PHONE_PREFIX.stackFloorWarmup, measured: PHONE_PREFIX.stackFloor, ids: 'sf' };
  try {
    return await withFloorServer(
      (webhookUrl) => startInboundStackFloorServer(manifest.databaseUrl, manifest.inboxId, webhookUrl, outbox),
      async (floor) => {
        const spec = (phonePrefix: string, externalIdPrefix: string, durationSeconds: number) =>
          inboundLoad(manifest, settings, floor.origin, phonePrefix, externalIdPrefix, durationSeconds);
        log(
          `W1 ${name}: the reference's rows per request on Fastify + Kysely, one webhook per delivery row` +
            `${outbox ? ", each delivery's outcome recorded" : ''}, for ${seconds} s`,
        );
        if (settings.warmupSeconds > 0) await worker.run(spec(phones.warmup, `${phones.ids}warm-${tag}-`, settings.warmupSeconds));
        const database = manifest.engine === 'postgres' ? new PostgresCpuMeter() : null;
        const since = Date.now();
        const measured = await measureLoadOn(worker, floor, spec(phones.measured, `${phones.ids}-${tag}-`, seconds), database);
        log(
          `  ${name}: ${fmt(measured.rate)} messages/s, ${fmt(measured.cpuUsPerMessage)} µs CPU per message` +
            (measured.databaseCpuUsPerMessage === null ? '' : `, PostgreSQL ${fmt(measured.databaseCpuUsPerMessage)} µs`) +
            (outbox ? `; ${await outcomesRecorded(manifest, since)}` : ''),
        );
        return measured;
      },
    );
  } finally {
    await withStore(manifest.databaseUrl, (store) => resetBenchWrites(store, manifest.workspaceId));
  }
}

/** W3's floor: the stack floor with outcomes in one process and in two, CPU per acknowledged message of each side. */
export interface TwoProcessFloor {
  one: { rate: number; cpuUsPerMessage: number };
  two: { rate: number; cpuUsPerMessage: number };
  ratio: number;
}

/**
 * W3's floor (PostgreSQL): W1's load into one stack floor with delivery outcomes, against split
 * over two of them on the same database, A B B A as W3. The floors share nothing but the database,
 * so what two cost beyond one is the machine's own price of a second process: its two cores also
 * run PostgreSQL and the load generator. Run while no server holds the database.
 */
export async function measureStackFloorTwoProcesses(manifest: Manifest, worker: LoadWorker, settings: RunSettings, log: Log): Promise<TwoProcessFloor> {
  const tag = Date.now().toString(36);
  const half = Math.max(1, Math.floor(settings.connections / 2));
  const start = (webhookUrl: string) => startInboundStackFloorServer(manifest.databaseUrl, manifest.inboxId, webhookUrl, true);
  const spec = (origin: string, externalIdPrefix: string, seconds: number, connections: number): InboundSpec => ({
    ...inboundLoad(manifest, settings, origin, PHONE_PREFIX.stackFloorTwoProcesses, externalIdPrefix, seconds),
    connections,
  });
  log(
    `W3 stack floor: the stack floor with outcomes, W1's load into one process and over two (${half} connections each), ${settings.rounds} × ${settings.durationSeconds} s each in A B B A order`,
  );
  try {
    return await withFloorServer(start, (first) =>
      withFloorServer(start, async (second) => {
        // Both warm, and every phone known before either side is measured: one after the other, as
        // the floor does not settle two processes creating one new phone at once.
        const warmup = Math.max(settings.warmupSeconds, 3);
        await worker.run(spec(first.origin, `sf3warm-a-${tag}-`, warmup, settings.connections));
        await worker.run(spec(second.origin, `sf3warm-b-${tag}-`, warmup, settings.connections));
        const { one, two } = await alternateOneAndTwoProcesses(worker, settings, { first, second }, spec, `sf3-${tag}-`);
        if (one.cpu === null || two.cpu === null) throw new Error(`no CPU figure (${one.acked.length} and ${two.acked.length} acknowledged)`);
        const measured = { one: { rate: one.rate, cpuUsPerMessage: one.cpu }, two: { rate: two.rate, cpuUsPerMessage: two.cpu }, ratio: two.cpu / one.cpu };
        log(
          `  W3 stack floor: one process ${fmt(one.rate)} messages/s at ${fmt(one.cpu)} µs CPU per message; two processes ${fmt(two.rate)} at ${fmt(two.cpu)} µs (CPU ms by process ${two.perProcessMs.join(', ')}): ${fmt(measured.ratio, 2)}`,
        );
        return measured;
      }),
    );
  } finally {
    await withStore(manifest.databaseUrl, (store) => resetBenchWrites(store, manifest.workspaceId));
  }
}

/** How many of the deliveries the stack floor wrote since `since` have their outcome recorded, once the answers in flight are in. */
async function outcomesRecorded(manifest: Manifest, since: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const counts = await withStore(manifest.databaseUrl, ({ db }) =>
    db
      .selectFrom('deliveries')
      .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('status_code').as('recorded')])
      .where('workspace_id', '=', manifest.workspaceId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow(),
  );
  return `outcomes recorded for ${fmt(Number(counts.recorded))} of ${fmt(Number(counts.all))} deliveries`;
}

/** A stack floor's figures as latest.json keeps them. */
function stackFloorSummary(measured: StackFloorMeasure | null) {
  return measured
    ? {
        rps: Math.round(measured.rate),
        cpuUsPerMessage: Math.round(measured.cpuUsPerMessage),
        postgresCpuUsPerMessage: roundOrNull(measured.databaseCpuUsPerMessage),
      }
    : null;
}

/** W1's reference, run while no server holds the database. */
export async function referenceIngest(manifest: Manifest, settings: RunSettings, log: Log): Promise<ReferenceIngest> {
  const seconds = settings.durationSeconds * settings.rounds;
  log(`W1 reference: inbound rows written by a plain script, one transaction per message, for ${seconds} s`);
  const run = (durationSeconds: number, messagesPerTransaction: number, prefix: string) =>
    runJsonScript<ReferenceIngest>('reference-ingest.ts', {
      REFERENCE_DATABASE_URL: manifest.databaseUrl,
      WORKSPACE_ID: manifest.workspaceId,
      INBOX_ID: manifest.inboxId,
      CHANNEL_ID: manifest.channelId,
      PHONE_PREFIX: prefix,
      PHONES: '1000',
      EXTERNAL_ID_PREFIX: `ref-${Date.now()}-`,
      DURATION_SECONDS: String(durationSeconds),
      MESSAGES_PER_TRANSACTION: String(messagesPerTransaction),
    });
  const database = manifest.engine === 'postgres' ? new PostgresCpuMeter() : null;
  const result = await run(seconds, 1, PHONE_PREFIX.reference);
  const databaseCpu = database?.stop() ?? null;
  if (databaseCpu !== null && result.messages > 0) result.databaseCpuUsPerMessage = databaseCpu / result.messages;
  log(
    `  reference ingest: ${fmt(result.rate)} messages/s, ${fmt(result.cpuUsPerMessage ?? Number.NaN)} µs CPU per message (${fmt(result.messages)} messages, ${fmt(result.events)} events with a delivery each)`,
  );
  if (manifest.engine === 'sqlite') {
    // The server commits up to 64 messages at once: its rows' floor is the reference's with commits grouped as far.
    result.grouped = await run(settings.durationSeconds, 64, PHONE_PREFIX.referenceGrouped);
    log(
      `  reference ingest, 64 messages per transaction: ${fmt(result.grouped.rate)} messages/s, ${fmt(result.grouped.cpuUsPerMessage ?? Number.NaN)} µs CPU per message`,
    );
  }
  await withStore(manifest.databaseUrl, (store) => resetBenchWrites(store, manifest.workspaceId));
  return result;
}

/**
 * W1's load against bench/floor-server.ts (a bare node:http server that stores nothing and sends
 * one signed webhook per message to a receiver of its own): its CPU per message is what HTTP in
 * and out costs on this machine before any storage.
 */
async function measureFloor(ctx: EngineContext, spec: InboundSpec): Promise<FloorMeasure | null> {
  try {
    return await withFloorServer(startFloorServer, async (floor) => {
      ctx.log(`W1 floor: the same inbound load against a bare node:http server (no rows, one webhook out per message) for ${spec.durationSeconds} s`);
      const measured = await measureLoadOn(ctx.worker, floor, spec, null);
      ctx.log(`  floor: ${fmt(measured.rate)} messages/s, ${fmt(measured.cpuUsPerMessage)} µs CPU per message`);
      return measured;
    });
  } catch (error) {
    ctx.report.failures.push(`W1 floor failed: ${(error as Error).message}`);
    return null;
  }
}

/** W2's WhatsApp channel, and what a signed webhook to it needs. */
interface WhatsAppTarget {
  id: string;
  path: string;
  appSecret: string;
  phoneNumberId: string;
}

const W2_APP_SECRET = 'bench-secret';

function whatsappLoad(ctx: EngineContext, target: WhatsAppTarget, phonePrefix: string, wamidPrefix: string, durationSeconds: number): WhatsAppSpec {
  return {
    kind: 'whatsapp',
    origin: ctx.server.origin,
    path: target.path,
    appSecret: target.appSecret,
    phoneNumberId: target.phoneNumberId,
    phonePrefix,
    phones: 1000,
    wamidPrefix,
    batchSize: W2_BATCH,
    peoplePerBatch: W2_PEOPLE_PER_BATCH,
    // Enough for 600 webhooks (6,000 messages) a second; past them, bodies are signed during the load.
    precomputed: Math.ceil(durationSeconds * 600),
    connections: ctx.settings.connections,
    durationSeconds,
  };
}

/** Creates W2's channel with the native API and checks one signed webhook is taken; throws with the server's answer otherwise. */
async function createWhatsAppChannel(ctx: EngineContext, tag: string): Promise<WhatsAppTarget> {
  const { manifest, server } = ctx;
  const phoneNumberId = `1555${Date.now()}`;
  const created = await fetch(`${server.origin}/api/v1/channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${manifest.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      inboxId: manifest.inboxId,
      kind: 'whatsapp',
      name: 'Bench',
      config: { phoneNumberId, accessToken: 'bench-token', appSecret: W2_APP_SECRET },
    }),
  });
  const createdText = await created.text();
  if (created.status !== 201 && created.status !== 200) throw new Error(`POST /api/v1/channels (kind whatsapp) answered ${created.status}: ${createdText}`);
  const id = (JSON.parse(createdText) as { id: string }).id;
  const target: WhatsAppTarget = { id, path: `/webhooks/whatsapp/${id}`, appSecret: W2_APP_SECRET, phoneNumberId };
  // One signed batch before any load: a server that refuses it fails W2 here, with its answer.
  const probeSpec = { ...whatsappLoad(ctx, target, PHONE_PREFIX.w2warmup, `probe${tag}.`, 1), precomputed: 0 };
  const probe = whatsappBody(probeSpec, 0, String(Math.floor(Date.now() / 1000)));
  const answer = await fetch(server.origin + target.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': probe.signature },
    body: probe.body,
  });
  const answerText = await answer.text();
  if (answer.status !== 200) throw new Error(`a signed webhook to POST ${target.path} answered ${answer.status}: ${answerText}`);
  return target;
}

async function scenarioWrites(ctx: EngineContext, reference: ReferenceIngest | null): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  // W3 compares itself with W1's CPU per message.
  const runW1 = ctx.only.has('W1') || ctx.only.has('D1') || ctx.only.has('D2') || ctx.only.has('W3');
  const apiHeaders = { 'x-jurichat-api-key': manifest.apiKey };
  const receiver = new WebhookReceiver();
  const hookUrl = await receiver.start();
  const stream = ctx.only.has('D2') ? new EventStreamReader() : null;
  try {
    const inbound = (phonePrefix: string, externalIdPrefix: string, durationSeconds: number) =>
      inboundLoad(manifest, settings, server.origin, phonePrefix, externalIdPrefix, durationSeconds);
    const tag = Date.now().toString(36);
    let whatsapp: WhatsAppTarget | null = null;
    if (ctx.only.has('W2')) {
      try {
        whatsapp = await createWhatsAppChannel(ctx, tag);
      } catch (error) {
        const message = `W2 setup failed: ${(error as Error).message}`;
        report.failures.push(message);
        log(message);
      }
    }
    // Warm-ups before the subscription exists and on other phones: W1 and W2 still start with 1,000 new people each.
    if (settings.warmupSeconds > 0) {
      if (runW1) await worker.run(inbound(PHONE_PREFIX.warmup, `warm-${tag}-`, settings.warmupSeconds));
      if (whatsapp) await worker.run(whatsappLoad(ctx, whatsapp, PHONE_PREFIX.w2warmup, `warm${tag}.`, settings.warmupSeconds));
    }

    const events = await getJson(`${server.origin}/webhooks/events`, apiHeaders);
    const created = await fetch(`${server.origin}/webhooks`, {
      method: 'POST',
      headers: { ...apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench D1', url: hookUrl, events: events.body }),
    });
    if (!created.ok) throw new Error(`POST /webhooks answered ${created.status}: ${await created.text()}`);
    const subscriptionId = ((await created.json()) as { id: string }).id;

    const seconds = settings.durationSeconds * settings.rounds;
    let w1Rate: number | null = null;
    let w1Cpu: number | null = null;
    const floor = ctx.only.has('W1') ? await measureFloor(ctx, inbound(PHONE_PREFIX.w1, `floor-${tag}-`, settings.durationSeconds)) : null;
    if (runW1) {
      log(`W1/D1: sandbox inbound from 1,000 phones for ${seconds} s, one webhook subscription (all events) to a local receiver`);
      if (stream) {
        // D2: one SSE stream, open and live before the load starts, counting W1's messages only.
        await stream.open(server.origin, manifest.apiKey);
        stream.follow(`w1-${tag}-`);
      }
      ctx.sampler.reset();
      const loadStart = Date.now();
      const cpuBefore = cpuMicros(server.pid);
      const database = manifest.engine === 'postgres' ? new PostgresCpuMeter() : null;
      const load = await worker.run(inbound(PHONE_PREFIX.w1, `w1-${tag}-`, seconds));
      const cpuAfter = cpuMicros(server.pid);
      const databaseCpu = database?.stop() ?? null;
      const loadEnd = Date.now();
      const receivedDuringLoad = [...receiver.deliveries.values()].filter((d) => d.arrivedAt <= loadEnd).length;

      const verify = () =>
        withStore(manifest.databaseUrl, async ({ db }) => {
          const ws = manifest.workspaceId;
          const people = db.selectFrom('people').select('id').where('workspace_id', '=', ws).where('phone_number', 'like', `${PHONE_PREFIX.w1}%`);
          const conversations = db.selectFrom('conversations').select('id').where('workspace_id', '=', ws).where('person_id', 'in', people);
          const rows = await db
            .selectFrom('messages')
            .select(['id', 'external_id'])
            .where('workspace_id', '=', ws)
            .where('conversation_id', 'in', conversations)
            .execute();
          const deliveries = await db
            .selectFrom('deliveries')
            .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
            .where('workspace_id', '=', ws)
            .where('subscription_id', '=', subscriptionId)
            .groupBy('status')
            .execute();
          return { rows, deliveries: Object.fromEntries(deliveries.map((d) => [d.status, Number(d.n)])) as Record<string, number> };
        });
      // Requests in flight when the load stopped still commit (and emit events) after it: the
      // expected deliveries are known once the stored messages stop changing.
      const deadline = Date.now() + settings.drainTimeoutSeconds * 1000;
      let stored: Awaited<ReturnType<typeof verify>>;
      let expected = 0;
      let previousRows = -1;
      let drained = false;
      for (;;) {
        stored = await verify();
        expected = Object.values(stored.deliveries).reduce((a, b) => a + b, 0);
        const settled = stored.rows.length === previousRows;
        previousRows = stored.rows.length;
        if (settled && receiver.deliveries.size >= expected) {
          drained = true;
          break;
        }
        if (Date.now() >= deadline) break;
        await receiver.waitFor(expected, Math.max(1, Math.min(1000, deadline - Date.now())));
        await new Promise((r) => setTimeout(r, 300));
      }
      // D2: every stored W1 message's event reaches the stream (same deadline as the deliveries).
      let streamDrained = stream === null;
      if (stream) {
        while (stream.arrivals.size < stored.rows.length && Date.now() < deadline)
          await stream.waitFor(stored.rows.length, Math.min(1000, deadline - Date.now()));
        streamDrained = stream.arrivals.size >= stored.rows.length;
      }
      // The dispatcher records an attempt after the receiver answered: give the last ones a moment, then read the final statuses.
      await new Promise((r) => setTimeout(r, 300));
      stored.deliveries = (await verify()).deliveries;
      const arrivals = [...receiver.deliveries.values()];
      const lastArrival = arrivals.reduce((m, d) => Math.max(m, d.arrivedAt), loadStart);

      // W1: every acknowledged message is stored once; none stored twice.
      const acked = load.ackedMessageIds ?? [];
      const storedIds = new Set(stored.rows.map((r) => r.id));
      const lost = acked.filter((id) => !storedIds.has(id)).length;
      const externalIds = new Set(stored.rows.map((r) => r.external_id));
      const duplicated = stored.rows.length - externalIds.size + (load.duplicateAnswers ?? 0) + (acked.length - new Set(acked).size);
      const unacknowledgedStored = stored.rows.length - acked.length;
      const ackRate = acked.length / load.durationSeconds;

      const ratio = reference ? ackRate / reference.rate : null;
      const w1Peak = ctx.sampler.windowMb();
      w1Cpu = cpuBefore !== null && cpuAfter !== null && acked.length > 0 ? (cpuAfter - cpuBefore) / acked.length : null;
      const leastRate = manifest.engine === 'sqlite' ? (reference ? reference.rate * TARGETS.W1VsReferenceSqlite : null) : TARGETS.W1PostgresPerSecond;
      const mostCpu = TARGETS.W1CpuUs[manifest.engine];
      const w1Pass = leastRate !== null && ackRate >= leastRate && w1Cpu !== null && w1Cpu <= mostCpu && lost === 0 && duplicated === 0;
      const w1Target = `${manifest.engine === 'sqlite' ? '≥ reference' : `≥ ${fmt(TARGETS.W1PostgresPerSecond)}`} acked/s, ≤ ${fmt(mostCpu)} µs CPU/msg, none lost or duplicated`;
      w1Rate = ackRate;
      if (ctx.only.has('W1')) {
        report.rows.push({
          scenario: 'W1 sandbox inbound',
          rps: ackRate,
          p50: load.p50,
          p99: load.p99,
          reference: reference ? `${fmt(reference.rate)} msg/s` : null,
          ratio,
          target: w1Target,
          pass: w1Pass,
          peakRssMb: w1Peak,
          cpuUsPerMessage: w1Cpu,
        });
        // The same-run references W1 is read against: a row each, with its own CPU per message.
        const referenceRow = (scenario: string, rps: number, cpu: number | null, latency: { p50: number; p99: number } | null = null) =>
          report.rows.push({
            scenario,
            rps,
            p50: latency?.p50 ?? null,
            p99: latency?.p99 ?? null,
            reference: null,
            ratio: null,
            target: '—',
            pass: null,
            peakRssMb: null,
            cpuUsPerMessage: cpu,
          });
        if (reference) referenceRow('W1 reference ingest (rows, no HTTP)', reference.rate, reference.cpuUsPerMessage ?? null);
        if (floor) referenceRow('W1 floor (HTTP in + webhook out, no rows)', floor.rate, floor.cpuUsPerMessage, floor);
        if (reference?.grouped) referenceRow('W1 reference ingest, 64 per transaction', reference.grouped.rate, reference.grouped.cpuUsPerMessage ?? null);
        const stackFloor = reference?.stackFloor ?? null;
        if (stackFloor) referenceRow('W1 stack floor (the rows on Fastify + Kysely, webhook out)', stackFloor.rate, stackFloor.cpuUsPerMessage, stackFloor);
        const withOutcomes = reference?.stackFloorOutbox ?? null;
        if (withOutcomes) referenceRow('W1 stack floor + delivery outcomes recorded', withOutcomes.rate, withOutcomes.cpuUsPerMessage, withOutcomes);
        // The least CPU per message any server could spend here: the floor's HTTP plus the reference's rows
        // (on SQLite committed 64 at a time, as the server's commit groups do at most).
        const rows = manifest.engine === 'sqlite' ? reference?.grouped : reference;
        const leastCpu = floor?.cpuUsPerMessage != null && rows?.cpuUsPerMessage != null ? floor.cpuUsPerMessage + rows.cpuUsPerMessage : null;
        if (leastCpu !== null)
          report.notes.push(
            `W1 CPU floor on this machine: ${fmt(leastCpu)} µs per message = ${fmt(floor!.cpuUsPerMessage)} (a bare node:http server receiving the same requests and sending one signed webhook each, storing nothing) + ` +
              `${fmt(rows!.cpuUsPerMessage!)} (the reference ingest's own CPU writing the same rows without HTTP${manifest.engine === 'sqlite' ? ', 64 messages per transaction' : ', one transaction per message on ten connections'}); ` +
              `the server spent ${fmt(w1Cpu ?? Number.NaN)} µs, ${fmt((w1Cpu ?? 0) / leastCpu, 2)} × the floor; target ≤ ${fmt(mostCpu)} µs.`,
          );
        if (stackFloor)
          report.notes.push(
            `W1 stack floor on this machine: the reference's rows written per request behind Fastify 5 (the inbound route's TypeBox body and answer), pino, the key check and Kysely over the server's store ` +
              `(${manifest.engine === 'sqlite' ? 'its commit groups' : 'its pool, named prepared statements; a returning phone in one read and one write statement'}), one signed webhook per delivery row after the commit, and nothing else, reached ${fmt(stackFloor.rate)} messages/s at ` +
              `${fmt(stackFloor.cpuUsPerMessage)} µs of CPU per message${stackFloor.databaseCpuUsPerMessage === null ? '' : ` (PostgreSQL ${fmt(stackFloor.databaseCpuUsPerMessage)} µs)`}; ` +
              `the server spent ${fmt(w1Cpu ?? Number.NaN)} µs, ${fmt((w1Cpu ?? 0) / stackFloor.cpuUsPerMessage, 2)} × the stack floor, and reached ${fmt(ackRate / stackFloor.rate, 2)} × its rate; target ≤ ${fmt(mostCpu)} µs.`,
          );
        if (withOutcomes)
          report.notes.push(
            `W1 stack floor with delivery outcomes: the stack floor again, also recording each delivery's outcome once its webhook is answered ` +
              `(status, attempt count and response code, for the answers at hand ${manifest.engine === 'sqlite' ? 'in one transaction' : 'in one statement'}; ` +
              `no claims, no per-conversation order, no attempt log, no retries: the least a durable outbox adds), reached ${fmt(withOutcomes.rate)} messages/s at ` +
              `${fmt(withOutcomes.cpuUsPerMessage)} µs of CPU per message${withOutcomes.databaseCpuUsPerMessage === null ? '' : ` (PostgreSQL ${fmt(withOutcomes.databaseCpuUsPerMessage)} µs)`}; ` +
              `the server spent ${fmt((w1Cpu ?? 0) / withOutcomes.cpuUsPerMessage, 2)} × its CPU per message and reached ${fmt(ackRate / withOutcomes.rate, 2)} × its rate; ` +
              `target ≤ ${fmt(mostCpu)} µs${manifest.engine === 'postgres' ? ` and ≥ ${fmt(TARGETS.W1PostgresPerSecond)} messages/s` : ''}.`,
          );
        if (databaseCpu !== null && acked.length > 0)
          report.notes.push(
            `W1 PostgreSQL CPU: the local server's processes used ${fmt(databaseCpu / acked.length)} µs per acknowledged message during W1` +
              (reference?.databaseCpuUsPerMessage != null ? `, ${fmt(reference.databaseCpuUsPerMessage)} µs per message during the reference ingest.` : '.'),
          );
        report.summary.W1 = {
          ...summaryHead(ackRate, load, ratio, w1Target, w1Pass),
          acknowledged: acked.length,
          stored: stored.rows.length,
          lost,
          duplicated,
          storedButUnacknowledged: unacknowledgedStored,
          non2xx: load.non2xx,
          errors: load.errors,
          timeouts: load.timeouts,
          reference: reference
            ? {
                rps: Math.round(reference.rate),
                messages: reference.messages,
                cpuUsPerMessage: roundOrNull(reference.cpuUsPerMessage ?? null),
              }
            : null,
          floor: floor ? { rps: Math.round(floor.rate), cpuUsPerMessage: Math.round(floor.cpuUsPerMessage) } : null,
          groupedReferenceCpuUsPerMessage: roundOrNull(reference?.grouped?.cpuUsPerMessage ?? null),
          stackFloor: stackFloorSummary(stackFloor),
          stackFloorWithOutcomes: stackFloorSummary(withOutcomes),
          floorCpuUsPerMessage: roundOrNull(leastCpu),
          postgresCpuUsPerMessage: databaseCpu === null || acked.length === 0 ? null : Math.round(databaseCpu / acked.length),
          referencePostgresCpuUsPerMessage: roundOrNull(reference?.databaseCpuUsPerMessage ?? null),
          peakRssMb: round1(w1Peak),
          cpuUsPerMessage: w1Cpu === null ? null : Math.round(w1Cpu),
        };
        report.notes.push(
          `W1: ${fmt(acked.length)} messages acknowledged in ${load.durationSeconds} s, ${fmt(stored.rows.length)} stored, ${lost} lost, ${duplicated} duplicated` +
            `${unacknowledgedStored > 0 ? `, ${unacknowledgedStored} stored but unanswered when the load stopped (in flight)` : ''}` +
            `${load.non2xx || load.errors ? `; ${load.non2xx} non-2xx (${JSON.stringify(load.statusCodes)}), ${load.errors} errors, ${load.timeouts} timeouts` : ''}.`,
        );
      }

      // D1: commit-to-arrival lag of every delivery, and how many the dispatcher sustained while the load ran.
      const lags = arrivals.map((d) => d.lagMs).sort((x, y) => x - y);
      const lagP50 = percentile(lags, 50);
      const lagP99 = percentile(lags, 99);
      // The first seconds are every phone's first message (a person, a conversation and a message:
      // three events each), so the lag is reported for them and for the rest apart.
      const openingEnd = loadStart + OPENING_SECONDS * 1000;
      const phaseP99 = (opening: boolean) =>
        percentile(
          arrivals
            .filter((d) => d.arrivedAt - d.lagMs < openingEnd === opening)
            .map((d) => d.lagMs)
            .sort((x, y) => x - y),
          99,
        );
      const openingP99 = phaseP99(true);
      const steadyP99 = phaseP99(false);
      const sustained = receivedDuringLoad / ((loadEnd - loadStart) / 1000);
      const overall = arrivals.length / Math.max(0.001, (lastArrival - loadStart) / 1000);
      const allDelivered = drained && receiver.deliveries.size === expected;
      const d1Pass = lagP99 < TARGETS.D1LagMs && allDelivered;
      const d1Target = `lag p99 < ${fmt(TARGETS.D1LagMs)} ms, every event delivered`;
      if (ctx.only.has('D1')) {
        report.rows.push({
          scenario: 'D1 webhook deliveries',
          rps: sustained,
          p50: lagP50,
          p99: lagP99,
          reference: `W1 ${fmt(ackRate)} msg/s`,
          ratio: null,
          target: d1Target,
          pass: d1Pass,
          peakRssMb: w1Peak,
        });
        report.summary.D1 = {
          rps: Math.round(sustained),
          p50: Math.round(lagP50),
          p99: Math.round(lagP99),
          ratio: null,
          target: d1Target,
          pass: d1Pass,
          lagMaxMs: lags.length ? lags[lags.length - 1] : null,
          expected,
          delivered: receiver.deliveries.size,
          repeats: receiver.repeats,
          lagP99FirstSeconds: Math.round(openingP99),
          lagP99AfterFirstSeconds: Math.round(steadyP99),
          backlogAtLoadEnd: expected - receivedDuringLoad,
          drainSeconds: round1(Math.max(0, lastArrival - loadEnd) / 1000),
          overallDeliveriesPerSecond: Math.round(overall),
          statuses: stored.deliveries,
        };
        report.notes.push(
          `D1: ${fmt(receiver.deliveries.size)} of ${fmt(expected)} deliveries received${drained ? '' : ` (gave up after ${settings.drainTimeoutSeconds} s)`}, ` +
            `${fmt(receivedDuringLoad)} during the load (${fmt(sustained)}/s) and the last ${fmt(Math.max(0, lastArrival - loadEnd) / 1000, 1)} s after it; ` +
            `lag p50 ${fmt(lagP50)} ms, p99 ${fmt(lagP99)} ms, max ${fmt(lags[lags.length - 1] ?? 0)} ms ` +
            `(p99 ${fmt(openingP99)} ms for events of the first ${OPENING_SECONDS} s, when every message is a phone's first, and ${fmt(steadyP99)} ms after); ${receiver.repeats} repeated deliveries; ` +
            `statuses in the database: ${JSON.stringify(stored.deliveries)}.`,
        );
      }
      if (stream) {
        // D2: commit-to-stream lag of each W1 message's message.created event, beside D1's webhook lag.
        const streamArrivals = [...stream.arrivals.values()];
        const streamLags = streamArrivals.map((a) => a.lagMs).sort((x, y) => x - y);
        const d2P50 = percentile(streamLags, 50);
        const d2P99 = percentile(streamLags, 99);
        const d2DuringLoad = streamArrivals.filter((a) => a.arrivedAt <= loadEnd).length;
        const d2Rate = d2DuringLoad / ((loadEnd - loadStart) / 1000);
        const allStreamed = streamDrained && stream.repeats === 0;
        const d2Target = `lag p99 < ${fmt(TARGETS.D2LagMs)} ms`;
        const d2Pass = d2P99 < TARGETS.D2LagMs && allStreamed;
        report.rows.push({
          scenario: 'D2 event stream (SSE)',
          rps: d2Rate,
          p50: d2P50,
          p99: d2P99,
          reference: `W1 ${fmt(ackRate)} msg/s`,
          ratio: null,
          target: d2Target,
          pass: d2Pass,
          peakRssMb: w1Peak,
        });
        report.summary.D2 = {
          rps: Math.round(d2Rate),
          p50: Math.round(d2P50),
          p99: Math.round(d2P99),
          ratio: null,
          target: d2Target,
          pass: d2Pass,
          lagMaxMs: streamLags.length ? streamLags[streamLags.length - 1] : null,
          expected: stored.rows.length,
          streamed: stream.arrivals.size,
          repeats: stream.repeats,
        };
        report.notes.push(
          `D2: ${fmt(stream.arrivals.size)} of ${fmt(stored.rows.length)} W1 messages' message.created events reached one open SSE stream${streamDrained ? '' : ` (gave up after ${settings.drainTimeoutSeconds} s)`}, ` +
            `${fmt(d2DuringLoad)} during the load (${fmt(d2Rate)}/s); lag (arrival − event createdAt) p50 ${fmt(d2P50)} ms, p99 ${fmt(d2P99)} ms, max ${fmt(streamLags[streamLags.length - 1] ?? 0)} ms; ` +
            `${stream.repeats} repeated; ${fmt(stream.frames)} frames in all.`,
        );
        log(`  D2: ${fmt(stream.arrivals.size)}/${fmt(stored.rows.length)} streamed, lag p50 ${fmt(d2P50)} ms p99 ${fmt(d2P99)} ms`);
      }
      log(
        `  W1: ${fmt(ackRate)} acked/s, p50 ${fmt(load.p50, 1)} ms, p99 ${fmt(load.p99, 1)} ms; ${lost} lost, ${duplicated} duplicated${w1Cpu === null ? '' : `; ${fmt(w1Cpu)} µs CPU/message`}`,
      );
      log(
        `  D1: ${fmt(receiver.deliveries.size)}/${fmt(expected)} delivered, ${fmt(sustained)}/s during load, lag p50 ${fmt(lagP50)} ms p99 ${fmt(lagP99)} ms`,
      );
    }
    if (whatsapp) await scenarioW2(ctx, whatsapp, w1Rate, tag);
    if (ctx.only.has('W3')) {
      if (manifest.engine === 'postgres') await scenarioW3(ctx, { inbound, receiver, subscriptionId, tag });
      else log('W3: PostgreSQL only (it is the engine several serve processes share)');
    }
  } finally {
    stream?.close();
    await receiver.close();
  }
}

/** One round of load spread over processes: its loads, their acknowledged messages and each process's CPU (µs). */
interface ProcessesRound {
  loads: LoadResult[];
  acked: string[];
  perProcess: number[] | null;
  seconds: number;
}

async function cpuOfProcesses(pids: number[], run: () => Promise<LoadResult[]>): Promise<ProcessesRound> {
  const before = pids.map((pid) => cpuMicros(pid));
  const loads = await run();
  const after = pids.map((pid) => cpuMicros(pid));
  const acked = loads.flatMap((l) => l.ackedMessageIds ?? []);
  const known = before.every((c) => c !== null) && after.every((c) => c !== null) && acked.length > 0;
  return { loads, acked, perProcess: known ? after.map((c, i) => c! - before[i]!) : null, seconds: Math.max(...loads.map((l) => l.durationSeconds)) };
}

/** One side's rounds together: its messages, its CPU per acknowledged message (all its processes) and its measured seconds. */
interface ProcessesSide {
  rounds: ProcessesRound[];
  loads: LoadResult[];
  acked: string[];
  perProcessMs: number[];
  cpu: number | null;
  seconds: number;
  rate: number;
}

function combineProcessRounds(rounds: ProcessesRound[]): ProcessesSide {
  const acked = rounds.flatMap((r) => r.acked);
  const perProcess = rounds.every((r) => r.perProcess !== null)
    ? rounds.reduce<number[]>((sum, r) => r.perProcess!.map((c, i) => (sum[i] ?? 0) + c), [])
    : null;
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    rounds,
    loads: rounds.flatMap((r) => r.loads),
    acked,
    perProcessMs: perProcess?.map((c) => Math.round(c / 1000)) ?? [],
    cpu: perProcess !== null && acked.length > 0 ? perProcess.reduce((a, b) => a + b, 0) / acked.length : null,
    seconds,
    rate: seconds > 0 ? acked.length / seconds : 0,
  };
}

/**
 * W1's load into `first` alone (all connections) against split over `first` and `second` (half each),
 * in A B B A rounds as measurePair: the machine's speed drifts by tens of per cent within minutes.
 * `spec` makes one load; each round's externalIds start with `prefix`.
 */
async function alternateOneAndTwoProcesses(
  worker: LoadWorker,
  settings: RunSettings,
  processes: { first: Served; second: Served },
  spec: (origin: string, externalIdPrefix: string, seconds: number, connections: number) => InboundSpec,
  prefix: string,
): Promise<{ one: ProcessesSide; two: ProcessesSide }> {
  const { first, second } = processes;
  const half = Math.max(1, Math.floor(settings.connections / 2));
  const seconds = settings.durationSeconds;
  const sides = [
    { pids: [first.pid], run: (round: number) => [spec(first.origin, `${prefix}one${round}-`, seconds, settings.connections)] },
    {
      pids: [first.pid, second.pid],
      run: (round: number) => [spec(first.origin, `${prefix}a${round}-`, seconds, half), spec(second.origin, `${prefix}b${round}-`, seconds, half)],
    },
  ];
  const rounds: ProcessesRound[][] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    for (const i of alternatingOrder(round)) {
      const side = sides[i]!;
      rounds[i]!.push(await cpuOfProcesses(side.pids, () => Promise.all(side.run(round).map((load) => worker.run(load)))));
    }
  }
  return { one: combineProcessRounds(rounds[0]!), two: combineProcessRounds(rounds[1]!) };
}

/**
 * W3: after W1, W1's load on W1's 1,000 phones (all known by then), alternately into the one
 * server process and split over it and a second `conversas serve` process on the same PostgreSQL
 * database (half the connections each; any phone may reach either, as behind a load balancer),
 * `rounds` rounds of `durationSeconds` each side in A B B A order. W1's subscription is still active. Both processes' CPU per acknowledged message
 * against the one process's, same phones, same run: W1's own figure includes every phone's first
 * message, which costs three times a returning one's.
 */
async function scenarioW3(
  ctx: EngineContext,
  w1: {
    inbound: (phonePrefix: string, externalIdPrefix: string, seconds: number) => InboundSpec;
    receiver: WebhookReceiver;
    subscriptionId: string;
    tag: string;
  },
): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  const seconds = settings.durationSeconds * settings.rounds;
  const half = Math.max(1, Math.floor(settings.connections / 2));
  const spec = (origin: string, externalIdPrefix: string, duration: number, connections: number): InboundSpec => ({
    ...w1.inbound(PHONE_PREFIX.w1, externalIdPrefix, duration),
    origin,
    connections,
  });
  log(
    `W3: W1's phones alternately into one process and over two serve processes on the same database (${half} connections each), ${settings.rounds} × ${settings.durationSeconds} s each in A B B A order`,
  );
  const second = await startConversas(manifest.databaseUrl, `${manifest.engine}-${manifest.size}-second`, settings.diagnostics);
  try {
    // As warm as the first process, which ran W1: JIT, statement caches, pool.
    await worker.run(spec(second.origin, `warm3-${w1.tag}-`, seconds, half));
    const { one, two } = await alternateOneAndTwoProcesses(worker, settings, { first: server, second }, spec, `w3-${w1.tag}-`);
    const { loads } = two;
    const acked = [...one.acked, ...two.acked];
    const duration = two.seconds;
    const rate = two.rate;
    const cpu = two.cpu;
    const oneProcessCpu = one.cpu;
    const oneRate = one.rate;

    const stored = await withStore(manifest.databaseUrl, ({ db }) =>
      db
        .selectFrom('messages')
        .select(['id', 'external_id'])
        .where('workspace_id', '=', manifest.workspaceId)
        .where('external_id', 'like', `w3-${w1.tag}-%`)
        .execute(),
    );
    const storedIds = new Set(stored.map((r) => r.id));
    const lost = acked.filter((id) => !storedIds.has(id)).length;
    const duplicateAnswers = [...one.loads, ...loads].reduce((sum, l) => sum + (l.duplicateAnswers ?? 0), 0);
    const duplicated = stored.length - new Set(stored.map((r) => r.external_id)).size + duplicateAnswers + (acked.length - new Set(acked).size);
    // Every delivery of the run reaches the receiver, whichever process sends it.
    const expected = await withStore(manifest.databaseUrl, async ({ db }) => {
      const row = await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', manifest.workspaceId)
        .where('subscription_id', '=', w1.subscriptionId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
    const delivered = await w1.receiver.waitFor(expected, settings.drainTimeoutSeconds * 1000);
    const ratio = cpu !== null && oneProcessCpu ? cpu / oneProcessCpu : null;
    const target = `CPU µs/msg ≤ ${TARGETS.W3CpuVsW1}× one process's, none lost or duplicated, every event delivered`;
    const pass = ratio !== null && ratio <= TARGETS.W3CpuVsW1 && lost === 0 && duplicated === 0 && delivered;
    const load = { p50: Math.max(...loads.map((l) => l.p50)), p99: Math.max(...loads.map((l) => l.p99)) };
    report.rows.push({
      scenario: 'W3 two processes, one database',
      rps: rate,
      p50: load.p50,
      p99: load.p99,
      reference: oneProcessCpu === null ? '—' : `one process ${fmt(oneRate)} msg/s, ${fmt(oneProcessCpu)} µs/msg`,
      ratio,
      target,
      pass,
      peakRssMb: null,
      cpuUsPerMessage: cpu,
    });
    const floor = ctx.stackFloorTwoProcesses;
    if (floor)
      report.rows.push({
        scenario: 'W3 stack floor with outcomes, two processes',
        rps: floor.two.rate,
        p50: null,
        p99: null,
        reference: `one process ${fmt(floor.one.rate)} msg/s, ${fmt(floor.one.cpuUsPerMessage)} µs/msg`,
        ratio: floor.ratio,
        target: '—',
        pass: null,
        peakRssMb: null,
        cpuUsPerMessage: floor.two.cpuUsPerMessage,
      });
    report.summary.W3 = {
      ...summaryHead(rate, load, ratio, target, pass),
      acknowledged: acked.length,
      stored: stored.length,
      lost,
      duplicated,
      delivered,
      cpuUsPerMessage: cpu === null ? null : Math.round(cpu),
      oneProcess: { rps: Math.round(oneRate), cpuUsPerMessage: oneProcessCpu === null ? null : Math.round(oneProcessCpu) },
      stackFloor: floor
        ? {
            oneProcess: { rps: Math.round(floor.one.rate), cpuUsPerMessage: Math.round(floor.one.cpuUsPerMessage) },
            twoProcesses: { rps: Math.round(floor.two.rate), cpuUsPerMessage: Math.round(floor.two.cpuUsPerMessage) },
            ratio: round3(floor.ratio),
          }
        : null,
    };
    if (floor && ratio !== null)
      report.notes.push(
        `W3 stack floor: the stack floor with outcomes, which shares nothing between its processes but the database, spent ${fmt(floor.ratio, 2)} × one process's CPU per message over two ` +
          `(${fmt(floor.one.cpuUsPerMessage)} → ${fmt(floor.two.cpuUsPerMessage)} µs); the server spent ${fmt(ratio, 2)} ×, ${fmt(ratio / floor.ratio, 2)} × the floor's ratio.`,
      );
    report.notes.push(
      `W3: ${fmt(one.acked.length)} messages acknowledged by one process, then ${fmt(two.acked.length)} by two in ${fmt(duration, 1)} s; ${fmt(stored.length)} stored, ${lost} lost, ${duplicated} duplicated; ` +
        `${delivered ? 'every' : 'not every'} delivery of the run arrived (${fmt(w1.receiver.deliveries.size)} of ${fmt(expected)}); CPU µs/msg is both processes' utime + stime over the load.`,
    );
    log(
      `  W3: one process ${fmt(oneRate)} acked/s${oneProcessCpu === null ? '' : `, ${fmt(oneProcessCpu)} µs CPU/message`}; two processes ${fmt(rate)} acked/s${cpu === null ? '' : `, ${fmt(cpu)} µs CPU/message`} (CPU ms by process ${two.perProcessMs.join(', ')}, acknowledged ${two.rounds.map((r) => r.loads.map((l) => fmt(l.ackedMessageIds?.length ?? 0)).join(' + ')).join(', ')}); ${lost} lost, ${duplicated} duplicated`,
    );
  } finally {
    await second.stop();
  }
}

/**
 * W2: signed Meta webhooks of W2_BATCH text messages each, with the subscription W1 used still
 * active. Acknowledged messages per second (W2_BATCH per 200), then every acknowledged wamid is
 * looked for in the database.
 */
async function scenarioW2(ctx: EngineContext, whatsapp: WhatsAppTarget, w1Rate: number | null, tag: string): Promise<void> {
  const { manifest, server, worker, settings, log, report } = ctx;
  const seconds = settings.durationSeconds * settings.rounds;
  const wamidPrefix = `w2${tag}.`;
  log(
    `W2: signed WhatsApp webhooks of ${W2_BATCH} text messages (${W2_PEOPLE_PER_BATCH} people each) from 1,000 phones for ${seconds} s, the same subscription active`,
  );
  ctx.sampler.reset();
  const cpuBefore = cpuMicros(server.pid);
  const load = await worker.run(whatsappLoad(ctx, whatsapp, PHONE_PREFIX.w2, wamidPrefix, seconds));
  const cpuAfter = cpuMicros(server.pid);
  const peak = ctx.sampler.windowMb();

  // Webhooks in flight when the load stopped still commit: count once the stored messages stop changing.
  const storedWamids = () =>
    withStore(manifest.databaseUrl, async ({ db }) => {
      const ws = manifest.workspaceId;
      const conversations = db.selectFrom('conversations').select('id').where('workspace_id', '=', ws).where('channel_id', '=', whatsapp.id);
      const rows = await db
        .selectFrom('messages')
        .select('external_id')
        .where('workspace_id', '=', ws)
        .where('conversation_id', 'in', conversations)
        .where('external_id', 'like', `wamid.${wamidPrefix}%`)
        .execute();
      return rows.map((r) => r.external_id as string);
    });
  const deadline = Date.now() + settings.drainTimeoutSeconds * 1000;
  let stored = await storedWamids();
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const again = await storedWamids();
    const settled = again.length === stored.length;
    stored = again;
    if (settled || Date.now() >= deadline) break;
  }

  const batches = load.ackedBatches ?? [];
  const ackedWamids: string[] = [];
  for (const batch of new Set(batches)) for (let k = 0; k < W2_BATCH; k++) ackedWamids.push(wamidOf(wamidPrefix, batch, k));
  const storedSet = new Set(stored);
  const lost = ackedWamids.filter((w) => !storedSet.has(w)).length;
  const duplicated = stored.length - storedSet.size + (batches.length - new Set(batches).size) * W2_BATCH;
  const inFlight = storedSet.size - (ackedWamids.length - lost);
  const acknowledged = batches.length * W2_BATCH;
  const rate = acknowledged / load.durationSeconds;
  const cpu = cpuBefore !== null && cpuAfter !== null && acknowledged > 0 ? (cpuAfter - cpuBefore) / acknowledged : null;
  const ratio = w1Rate ? rate / w1Rate : null;
  const clean = lost === 0 && duplicated === 0 && load.non2xx === 0 && load.errors === 0;
  const pass = w1Rate === null ? null : rate >= w1Rate && clean;
  const target = 'W2 messages/s ≥ W1 messages/s, none lost or duplicated';
  report.rows.push({
    scenario: `W2 WhatsApp webhooks (${W2_BATCH} msg each)`,
    rps: rate,
    p50: load.p50,
    p99: load.p99,
    reference: w1Rate === null ? 'W1 not run' : `W1 ${fmt(w1Rate)} msg/s`,
    ratio,
    target,
    pass,
    peakRssMb: peak,
    cpuUsPerMessage: cpu,
  });
  report.summary.W2 = {
    ...summaryHead(rate, load, ratio, target, pass),
    webhooksPerSecond: Math.round(batches.length / load.durationSeconds),
    messagesPerWebhook: W2_BATCH,
    acknowledged,
    stored: storedSet.size,
    lost,
    duplicated,
    storedButUnacknowledged: inFlight,
    non2xx: load.non2xx,
    errors: load.errors,
    timeouts: load.timeouts,
    signedDuringLoad: load.signedDuringLoad ?? 0,
    w1: w1Rate === null ? null : { rps: Math.round(w1Rate) },
    peakRssMb: round1(peak),
    cpuUsPerMessage: cpu === null ? null : Math.round(cpu),
  };
  report.notes.push(
    `W2: ${fmt(batches.length)} signed webhooks (${fmt(acknowledged)} messages) acknowledged in ${load.durationSeconds} s, ${fmt(storedSet.size)} of their messages stored, ${lost} lost, ${duplicated} duplicated` +
      `${inFlight > 0 ? `, ${inFlight} stored from webhooks unanswered when the load stopped (in flight)` : ''}` +
      `${cpu === null ? '' : `; server CPU ${fmt(cpu)} µs per message`}` +
      `${load.signedDuringLoad ? `; ${fmt(load.signedDuringLoad)} bodies were signed during the load (past the precomputed ones)` : ''}` +
      `${load.non2xx || load.errors ? `; ${load.non2xx} non-2xx (${JSON.stringify(load.statusCodes)}), ${load.errors} errors, ${load.timeouts} timeouts` : ''}.`,
  );
  log(
    `  W2: ${fmt(rate)} acked messages/s (${fmt(batches.length / load.durationSeconds)} webhooks/s), p50 ${fmt(load.p50, 1)} ms, p99 ${fmt(load.p99, 1)} ms; ${lost} lost, ${duplicated} duplicated` +
      `${cpu === null ? '' : `; ${fmt(cpu)} µs CPU/message`}${w1Rate === null ? '' : ` (W1 ${fmt(w1Rate)} msg/s)`}`,
  );
}

/** I1: the inbox in Chromium, a click on a conversation in the list until its messages show (p95 < 300 ms). */
async function scenarioI1(ctx: EngineContext): Promise<void> {
  const { manifest, server, log, report } = ctx;
  log('I1: the inbox in Chromium, opening conversations from the list');
  const result = await measureInboxOpen(manifest, server.origin, log);
  const target = `p95 < ${I1_TARGET_P95_MS} ms`;
  const pass = result.p95 < I1_TARGET_P95_MS;
  report.rows.push({
    scenario: `I1 inbox: open a conversation (p95 ${fmt(result.p95)} ms)`,
    rps: null,
    p50: result.p50,
    p99: null,
    reference: `messages API alone: p50 ${fmt(result.apiP50)} ms, p95 ${fmt(result.apiP95)} ms`,
    ratio: null,
    target,
    pass,
    peakRssMb: null,
  });
  report.summary.I1 = {
    rps: null,
    p50: Math.round(result.p50),
    p99: null,
    p95: Math.round(result.p95),
    ratio: null,
    target,
    pass,
    opens: result.opens,
    apiP50: Math.round(result.apiP50),
    apiP95: Math.round(result.apiP95),
  };
  report.notes.push(
    `I1: ${result.opens} distinct conversations opened one after another by a click in the inbox's list (Debian's Chromium, headless), each timed in the page from the click to its first message in the \`Messages\` log: ` +
      `p50 ${fmt(result.p50)} ms, p95 ${fmt(result.p95)} ms; the page's own fetch of GET …/messages?limit=50 for the same conversations took p50 ${fmt(result.apiP50)} ms, p95 ${fmt(result.apiP95)} ms.`,
  );
}

interface EngineContext {
  manifest: Manifest;
  server: Served;
  sampler: RssSampler;
  worker: LoadWorker;
  settings: RunSettings;
  only: ReadonlySet<ScenarioName>;
  log: Log;
  report: EngineReport;
  /** W3's floor, measured before the server started (PostgreSQL runs with W3 only). */
  stackFloorTwoProcesses: TwoProcessFloor | null;
}

/** Every selected scenario on one engine's dataset: the reference ingest first, then one server process for all. */
export async function runEngine(manifest: Manifest, worker: LoadWorker, settings: RunSettings, log: Log): Promise<EngineReport> {
  const report: EngineReport = { engine: manifest.engine, rows: [], summary: {}, notes: [], serverPeakRssMb: null, rssPass: null, failures: [] };
  const only = settings.only;
  const writes = only.has('W1') || only.has('D1') || only.has('D2') || only.has('W2') || only.has('W3');
  await withStore(manifest.databaseUrl, (store) => resetBenchWrites(store, manifest.workspaceId));

  let reference: ReferenceIngest | null = null;
  if (only.has('W1')) {
    try {
      reference = await referenceIngest(manifest, settings, log);
    } catch (error) {
      report.failures.push(`W1 reference ingest failed: ${(error as Error).message}`);
    }
    if (reference) {
      try {
        reference.stackFloor = await measureInboundStackFloor(manifest, worker, settings, log);
      } catch (error) {
        report.failures.push(`W1 stack floor failed: ${(error as Error).message}`);
      }
      try {
        reference.stackFloorOutbox = await measureInboundStackFloor(manifest, worker, settings, log, true);
      } catch (error) {
        report.failures.push(`W1 stack floor with outcomes failed: ${(error as Error).message}`);
      }
    }
  }

  let stackFloorTwoProcesses: TwoProcessFloor | null = null;
  if (only.has('W3') && manifest.engine === 'postgres') {
    try {
      stackFloorTwoProcesses = await measureStackFloorTwoProcesses(manifest, worker, settings, log);
    } catch (error) {
      report.failures.push(`W3 stack floor failed: ${(error as Error).message}`);
    }
  }

  log(`starting conversas serve on ${manifest.engine} …`);
  const server = await startConversas(manifest.databaseUrl, `${manifest.engine}-${manifest.size}`, settings.diagnostics);
  const sampler = new RssSampler(server.pid);
  const ctx: EngineContext = { manifest, server, sampler, worker, settings, only, log, report, stackFloorTwoProcesses };
  const steps: [ScenarioName | 'W1/D1/W2', () => Promise<void>][] = [];
  if (only.has('R1')) steps.push(['R1', () => scenarioR1(ctx)]);
  if (only.has('R2')) steps.push(['R2', () => scenarioR2(ctx)]);
  if (only.has('R3')) steps.push(['R3', () => scenarioR3(ctx)]);
  if (writes) steps.push(['W1/D1/W2', () => scenarioWrites(ctx, reference)]);
  if (only.has('I1')) steps.push(['I1', () => scenarioI1(ctx)]);
  try {
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        const message = `${name} failed: ${(error as Error).stack ?? error}`;
        report.failures.push(message);
        log(message);
      }
    }
    report.serverPeakRssMb = sampler.lifetimePeakMb() ?? Math.max(0, ...report.rows.map((r) => r.peakRssMb ?? 0));
    report.rssPass = report.serverPeakRssMb < TARGETS.RssMb;
  } finally {
    sampler.stop();
    await server.stop();
    if (report.failures.length > 0) log(`server output (last lines):\n${server.output()}`);
    if (settings.diagnostics.cpuProfileDir) log(`server CPU profile written to ${settings.diagnostics.cpuProfileDir}`);
    if (settings.diagnostics.statementTimingsDir) log(statementTimingsOf(settings.diagnostics.statementTimingsDir, server.pid));
    await withStore(manifest.databaseUrl, (store) => resetBenchWrites(store, manifest.workspaceId));
  }
  return report;
}
