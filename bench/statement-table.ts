import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface StatementTiming {
  sql: string;
  calls: number;
  /** Wall time inside better-sqlite3. */
  totalUs: number;
  /** The process's CPU time meanwhile. */
  cpuUs: number;
}

const SHOWN = 15;
const SQL_WIDTH = 110;

/** The statement timings `bench/statement-timings.cjs` wrote for this server process, as a table of the costliest. */
export function statementTimingsOf(dir: string, pid: number): string {
  const file = join(dir, `statements-${pid}.json`);
  if (!existsSync(file)) return `statement timings: ${file} was not written (they are taken on SQLite only)`;
  const rows = JSON.parse(readFileSync(file, 'utf8')) as StatementTiming[];
  const total = rows.reduce((sum, r) => sum + r.totalUs, 0);
  const cpu = rows.reduce((sum, r) => sum + r.cpuUs, 0);
  const lines = rows
    .slice(0, SHOWN)
    .map(
      (r) =>
        `| ${(r.totalUs / 1000).toFixed(0).padStart(8)} | ${(r.cpuUs / 1000).toFixed(0).padStart(6)} | ${String(r.calls).padStart(7)} | ${(r.totalUs / r.calls).toFixed(1).padStart(7)} | ${(r.cpuUs / r.calls).toFixed(1).padStart(7)} | ${r.sql.slice(0, SQL_WIDTH)} |`,
    );
  return [
    `SQL statements of the server (${file}): ${(total / 1000).toFixed(0)} ms inside better-sqlite3, ${(cpu / 1000).toFixed(0)} ms of CPU, ${rows.length} statements; the ${Math.min(SHOWN, rows.length)} costliest:`,
    '| wall ms | CPU ms |   calls | wall µs each | CPU µs each | statement |',
    '|--------:|-------:|--------:|-------------:|------------:|-----------|',
    ...lines,
  ].join('\n');
}
