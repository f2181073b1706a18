// `npm run bench [-- --quick] [--engine sqlite|postgres|both] [--duration s] [--only R1,R2]` — see bench/README.md.
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset, postgresServerUrl, type EngineName, type Manifest } from './dataset.ts';
import { LoadWorker } from './load-client.ts';
import { DATA_DIR } from './paths.ts';
import { markdownOf, writeEngineResults, writeLatest, type RunInfo, type Written } from './report.ts';
import { SCENARIOS, runEngine, type EngineReport, type RunSettings, type ScenarioName } from './scenarios.ts';

const USAGE = `Usage: npm run bench -- [--quick] [--engine sqlite|postgres|both] [--duration <seconds>] [--only R1,R2,R3,W1,D1,D2,W2,W3,I1] [--cpu-prof] [--statement-timings]

  --quick      small dataset (2,001 conversations, 45,000 messages), 2 s per measurement; under 90 s on 2 cores
  --engine     default: sqlite, plus postgres when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set
  --duration   seconds per measurement, each side measured twice (default 2 quick, 10 full); W1 runs twice that
  --only       a comma-separated subset of the scenarios
  --cpu-prof   run the server with --cpu-prof; profiles land in bench/.data/profiles/
  --statement-timings   SQLite: time every SQL statement the server runs; the table is printed and kept in bench/.data/profiles/
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv: string[]): { quick: boolean; engines: EngineName[]; settings: RunSettings } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      engine: { type: 'string' },
      duration: { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'statement-timings': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const quick = values.quick === true;
  const pgUrl = postgresServerUrl();
  let engines: EngineName[];
  switch (values.engine) {
    case undefined:
      engines = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
      break;
    case 'sqlite':
      engines = ['sqlite'];
      break;
    case 'postgres':
      engines = ['postgres'];
      break;
    case 'both':
      engines = ['sqlite', 'postgres'];
      break;
    default:
      fail(`--engine must be sqlite, postgres or both, got "${values.engine}"`);
  }
  if (engines.includes('postgres') && !pgUrl)
    fail('PostgreSQL needs BENCH_DATABASE_URL (or TEST_DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/postgres');
  const durationSeconds = values.duration === undefined ? (quick ? 2 : 10) : Number(values.duration);
  if (!Number.isFinite(durationSeconds) || durationSeconds < 1) fail(`--duration must be a number of seconds ≥ 1, got "${values.duration}"`);
  const only = new Set<ScenarioName>();
  for (const name of (values.only ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean)) {
    if (!(SCENARIOS as readonly string[]).includes(name)) fail(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    only.add(name as ScenarioName);
  }
  return {
    quick,
    engines,
    settings: {
      connections: 50,
      durationSeconds,
      warmupSeconds: quick ? 1 : 3,
      rounds: 2,
      only,
      drainTimeoutSeconds: quick ? 20 : 120,
      diagnostics: {
        cpuProfileDir: values['cpu-prof'] ? resolve(DATA_DIR, 'profiles') : null,
        statementTimingsDir: values['statement-timings'] ? resolve(DATA_DIR, 'profiles') : null,
      },
    },
  };
}

const started = Date.now();
const log = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
const { quick, engines, settings } = parseOptions(process.argv.slice(2));
const info: RunInfo = { date: new Date(), quick, cores: availableParallelism(), loadAverage: loadavg(), node: process.version, settings };
log(
  `bench: ${quick ? 'quick' : 'full'} run on ${engines.join(' and ')}, ${info.cores} cores, load average ${info.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
);

const worker = new LoadWorker();
const reports: { report: EngineReport; manifest: Manifest; files: Written }[] = [];
let failed = false;
try {
  for (const engine of engines) {
    let manifest: Manifest;
    try {
      manifest = await ensureDataset(engine, quick ? 'quick' : 'full', log);
    } catch (error) {
      log(`${engine}: dataset failed: ${(error as Error).stack ?? error}`);
      failed = true;
      continue;
    }
    const report = await runEngine(manifest, worker, settings, log);
    if (report.failures.length > 0) failed = true;
    const sqliteR1 = reports.find((r) => r.report.engine === 'sqlite')?.report.summary.R1;
    const files = writeEngineResults(report, manifest, info, sqliteR1);
    reports.push({ report, manifest, files });
    process.stdout.write(`\n${markdownOf(report, manifest, info, sqliteR1)}\n`);
  }
} finally {
  await worker.close();
}

if (reports.length > 0) {
  const [first, ...others] = reports;
  const latest = writeLatest(
    first!.report,
    info,
    reports.map((r) => r.files),
    others.map((o) => o.report),
  );
  process.stdout.write(`Written: ${reports.flatMap((r) => [r.files.markdown, r.files.json]).join(', ')}, ${latest}\n`);
}
log(`bench finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
