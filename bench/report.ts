import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Manifest } from './dataset.ts';
import { RESULTS_DIR, ROOT_DIR } from './paths.ts';
import { SCENARIOS, TARGETS, type EngineReport, type Row, type RunSettings, type ScenarioSummary } from './scenarios.ts';

export interface RunInfo {
  date: Date;
  quick: boolean;
  cores: number;
  loadAverage: number[];
  node: string;
  settings: RunSettings;
}

const ENGINE_TITLE = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

const num = (n: number | null, digits = 0) =>
  n === null || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mark = (pass: boolean | null) => (pass === null ? '' : pass ? 'pass' : '**MISS**');
const ratioText = (r: number | null) => (r === null || Number.isNaN(r) ? '—' : r.toFixed(2));

/** Rows that are not scenarios: the whole run's RSS, and on PostgreSQL R1 against SQLite's. */
function extraRows(report: EngineReport, sqliteR1: ScenarioSummary | undefined): Row[] {
  const rows: Row[] = [
    {
      scenario: 'Server peak RSS, whole run',
      rps: null,
      p50: null,
      p99: null,
      reference: null,
      ratio: null,
      target: `< ${TARGETS.RssMb} MB`,
      pass: report.rssPass,
      peakRssMb: report.serverPeakRssMb,
    },
  ];
  const r1 = report.summary.R1;
  if (report.engine === 'postgres' && r1?.rps && sqliteR1?.rps) {
    const ratio = r1.rps / sqliteR1.rps;
    rows.push({
      scenario: 'R1 PostgreSQL vs SQLite',
      rps: r1.rps,
      p50: null,
      p99: null,
      reference: `SQLite ${num(sqliteR1.rps)} req/s`,
      ratio,
      target: `≥ ${TARGETS.PostgresR1VsSqlite * 100} % of SQLite`,
      pass: ratio >= TARGETS.PostgresR1VsSqlite,
      peakRssMb: null,
    });
  }
  return rows;
}

export function tableOf(report: EngineReport, sqliteR1?: ScenarioSummary): string {
  const header = ['Scenario', 'req/s', 'p50 ms', 'p99 ms', 'Reference', 'Ratio', 'Target', 'Peak RSS MB', 'CPU µs/msg', 'Result'];
  const lines = [...report.rows, ...extraRows(report, sqliteR1)].map((r) => [
    r.scenario,
    num(r.rps),
    num(r.p50, 1),
    num(r.p99, 1),
    r.reference ?? '—',
    ratioText(r.ratio),
    r.target,
    num(r.peakRssMb),
    num(r.cpuUsPerMessage ?? null),
    mark(r.pass),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 || i >= 4 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [format(header), rule, ...lines.map(format)].join('\n');
}

function heading(report: EngineReport, manifest: Manifest, info: RunInfo): string {
  const s = info.settings;
  return [
    `## ${ENGINE_TITLE[report.engine]} — ${info.quick ? 'quick' : 'full'} dataset — ${info.date.toISOString()}`,
    '',
    `- Machine: ${info.cores} cores (os.availableParallelism()), load average at start ${info.loadAverage.map((l) => l.toFixed(2)).join(' / ')}, Node ${info.node}; ` +
      'server, load generator (autocannon, its own process), references and harness all on this machine.',
    `- Dataset: ${(manifest.conversationIds.length + 1).toLocaleString('en-US')} conversations, ${manifest.messages.toLocaleString('en-US')} messages, ` +
      `one conversation of ${manifest.deep.visibleMessages.toLocaleString('en-US')} visible messages (generated in ${manifest.generationSeconds.toFixed(1)} s on ${manifest.createdAt}).`,
    `- Load: ${s.connections} connections, ${s.durationSeconds} s per measurement × ${s.rounds} round(s) alternating the two sides, ${s.warmupSeconds} s warm-up each; ` +
      'latencies from autocannon (1 ms resolution); req/s = 2xx answers per second; p50/p99 averaged over rounds.',
    '- D1 row: req/s = webhook deliveries received per second while the W1 load ran; p50/p99 = commit-to-arrival lag in ms.',
    "- D2 row: req/s = W1 messages' message.created events received per second on one open SSE stream while the load ran; p50/p99 = commit-to-arrival lag in ms.",
    "- W1 and W2 rows: req/s = acknowledged messages per second (W2: 10 per 200 answer to a signed webhook); CPU µs/msg = the server process's utime + stime " +
      '(/proc/<pid>/stat) over the measured load, divided by the messages acknowledged in it.',
    "- R1 rows: CPU µs/msg = that process's CPU per 2xx answer (per request, not per message), over the measured rounds.",
  ].join('\n');
}

export function markdownOf(report: EngineReport, manifest: Manifest, info: RunInfo, sqliteR1?: ScenarioSummary): string {
  const parts = [heading(report, manifest, info), '', tableOf(report, sqliteR1)];
  if (report.notes.length > 0) parts.push('', '### Notes', '', ...report.notes.map((n) => `- ${n}`));
  if (report.failures.length > 0) parts.push('', '### Failures', '', ...report.failures.map((f) => `- ${f.split('\n')[0]}`));
  return `${parts.join('\n')}\n`;
}

export interface Written {
  markdown: string;
  json: string;
}

export function writeEngineResults(report: EngineReport, manifest: Manifest, info: RunInfo, sqliteR1?: ScenarioSummary): Written {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const subset = info.settings.only.size < SCENARIOS.length ? `-${[...info.settings.only].join('-')}` : '';
  const base = `${info.date.toISOString().slice(0, 10)}-${report.engine}${info.quick ? '-quick' : ''}${subset}`;
  const markdown = resolve(RESULTS_DIR, `${base}.md`);
  const json = resolve(RESULTS_DIR, `${base}.json`);
  writeFileSync(markdown, markdownOf(report, manifest, info, sqliteR1));
  writeFileSync(
    json,
    `${JSON.stringify(
      {
        engine: report.engine,
        date: info.date.toISOString(),
        quick: info.quick,
        cores: info.cores,
        loadAverage: info.loadAverage,
        node: info.node,
        settings: { ...info.settings, only: [...info.settings.only] },
        dataset: {
          conversations: manifest.conversationIds.length + 1,
          messages: manifest.messages,
          deep: manifest.deep.visibleMessages,
          depth: manifest.deep.depth,
        },
        scenarios: report.summary,
        serverPeakRssMb: report.serverPeakRssMb,
        rssPass: report.rssPass,
        rows: report.rows,
        notes: report.notes,
        failures: report.failures,
      },
      null,
      2,
    )}\n`,
  );
  return { markdown: relative(ROOT_DIR, markdown), json: relative(ROOT_DIR, json) };
}

/** bench/results/latest.json: one key per scenario of the run's first engine (SQLite when it ran), plus `meta`. */
export function writeLatest(report: EngineReport, info: RunInfo, files: Written[], others: EngineReport[]): string {
  const path = resolve(RESULTS_DIR, 'latest.json');
  const latest: Record<string, unknown> = { ...report.summary };
  latest.meta = {
    engine: report.engine,
    date: info.date.toISOString(),
    quick: info.quick,
    cores: info.cores,
    loadAverage: info.loadAverage,
    serverPeakRssMb: report.serverPeakRssMb,
    rssPass: report.rssPass,
    files: files.flatMap((f) => [f.markdown, f.json]),
    otherEngines: Object.fromEntries(others.map((o) => [o.engine, o.summary])),
  };
  writeFileSync(path, `${JSON.stringify(latest, null, 2)}\n`);
  return relative(ROOT_DIR, path);
}
