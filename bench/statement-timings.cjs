// Preloaded into `conversas serve` by `npm run bench -- --statement-timings` (SQLite only): the
// time each SQL statement spends inside better-sqlite3, summed per statement text and written to
// $BENCH_STATEMENT_TIMINGS/statements-<pid>.json when the process exits. better-sqlite3 runs a
// statement synchronously on the main thread: `totalUs` is that wall time (a COMMIT's includes
// its fsync; on a busy machine any time descheduled), `cpuUs` the process's CPU meanwhile.
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const Database = require('better-sqlite3');

const dir = process.env.BENCH_STATEMENT_TIMINGS;
if (dir) {
  /** statement text → [calls, wall µs, CPU µs] */
  const totals = new Map();
  const prepare = Database.prototype.prepare;
  let wrapped = false;
  Database.prototype.prepare = function (source) {
    const statement = prepare.call(this, source);
    if (!wrapped) {
      wrapped = true;
      const proto = Object.getPrototypeOf(statement);
      // iterate() hands rows out lazily: its call alone would not be the statement's time.
      for (const method of ['run', 'get', 'all']) {
        const original = proto[method];
        proto[method] = function (...args) {
          const start = performance.now();
          const cpu = process.cpuUsage();
          try {
            return original.apply(this, args);
          } finally {
            const used = process.cpuUsage(cpu);
            const entry = totals.get(this.source) ?? [0, 0, 0];
            entry[0] += 1;
            entry[1] += (performance.now() - start) * 1000;
            entry[2] += used.user + used.system;
            totals.set(this.source, entry);
          }
        };
      }
    }
    return statement;
  };
  process.on('exit', () => {
    const rows = [...totals].map(([sql, [calls, totalUs, cpuUs]]) => ({
      sql: sql.replace(/\s+/g, ' ').trim(),
      calls,
      totalUs: Math.round(totalUs),
      cpuUs,
    }));
    rows.sort((a, b) => b.totalUs - a.totalUs);
    writeFileSync(join(dir, `statements-${process.pid}.json`), JSON.stringify(rows));
  });
}
