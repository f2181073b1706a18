import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_DIR, ROOT_DIR, scriptPath } from './paths.ts';

/** A child process that printed the URL it listens on. */
export interface Served {
  origin: string;
  pid: number;
  /** Its recent output, for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

function keepTail(lines: string[], chunk: string, max = 200): void {
  for (const line of chunk.split('\n')) if (line.trim()) lines.push(line);
  if (lines.length > max) lines.splice(0, lines.length - max);
}

/** Spawns `command`, waits for a line matching `listening` (its group 1 is the origin). */
async function spawnListening(name: string, args: string[], env: NodeJS.ProcessEnv, listening: RegExp): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const origin = await new Promise<string>((resolveOrigin, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS / 1000} s:\n${lines.join('\n')}`)), READY_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    let early = '';
    child.stdout!.on('data', (chunk: string) => {
      keepTail(lines, chunk);
      // The line may arrive in pieces.
      if (early.length < 64 * 1024) early += chunk;
      const match = listening.exec(early);
      if (match) {
        clearTimeout(timer);
        resolveOrigin(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: string) => keepTail(lines, chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before listening:\n${lines.join('\n')}`));
    });
  });
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  return {
    origin,
    pid: child.pid!,
    output: () => lines.join('\n'),
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

async function waitReady(origin: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${origin}/readyz`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${origin}/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
}

/** What a bench run asks of the server besides serving: a CPU profile, SQL statement timings (directories to write them to). */
export interface ServerDiagnostics {
  cpuProfileDir: string | null;
  statementTimingsDir: string | null;
}

/** `node bin/conversas.js serve` on a free port, as an operator would run it, without rate limit. */
export async function startConversas(
  databaseUrl: string,
  label: string,
  diagnostics: ServerDiagnostics = { cpuProfileDir: null, statementTimingsDir: null },
): Promise<Served> {
  const dataDir = resolve(DATA_DIR, `${label}-files`);
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: '',
    CONVERSAS_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    CONVERSAS_RATE_LIMIT_PER_MINUTE: '0',
    CONVERSAS_ALLOW_PRIVATE_WEBHOOKS: '1',
  };
  const { cpuProfileDir, statementTimingsDir } = diagnostics;
  // Both write when the server exits (it does on SIGTERM, after closing).
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  if (statementTimingsDir) {
    mkdirSync(statementTimingsDir, { recursive: true });
    profile.push('--require', resolve(ROOT_DIR, 'bench/statement-timings.cjs'));
    env.BENCH_STATEMENT_TIMINGS = statementTimingsDir;
  }
  const served = await spawnListening('conversas serve', [...profile, resolve(ROOT_DIR, 'bin/conversas.js'), 'serve'], env, /listening on (http:\/\/\S+)\s/);
  try {
    await waitReady(served.origin);
  } catch (error) {
    await served.stop();
    throw error;
  }
  return served;
}

/** bench/reference-server.ts on a free port. */
export async function startReferenceServer(databaseUrl: string): Promise<Served> {
  return spawnListening(
    'reference server',
    [scriptPath('reference-server.ts')],
    { ...process.env, REFERENCE_DATABASE_URL: databaseUrl, PORT: '0' },
    /reference server listening on (http:\/\/\S+)\s/,
  );
}

/** bench/stack-floor-server.ts on a free port (PostgreSQL only). */
export async function startStackFloorServer(databaseUrl: string): Promise<Served> {
  return spawnListening(
    'stack floor',
    [scriptPath('stack-floor-server.ts')],
    { ...process.env, FLOOR_DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn' },
    /stack floor listening on (http:\/\/\S+)\s/,
  );
}

/**
 * bench/inbound-stack-floor-server.ts on a free port, writing to `databaseUrl` and sending its webhooks to `webhookUrl`;
 * with `outbox`, also recording each delivery's outcome.
 */
export async function startInboundStackFloorServer(databaseUrl: string, inboxId: string, webhookUrl: string, outbox: boolean): Promise<Served> {
  return spawnListening(
    'inbound stack floor',
    [scriptPath('inbound-stack-floor-server.ts')],
    {
      ...process.env,
      FLOOR_DATABASE_URL: databaseUrl,
      INBOX_ID: inboxId,
      WEBHOOK_URL: webhookUrl,
      PORT: '0',
      LOG_LEVEL: 'warn',
      STACK_FLOOR_OUTBOX: outbox ? '1' : '0',
    },
    /inbound stack floor listening on (http:\/\/\S+)\s/,
  );
}

/** bench/floor-server.ts on a free port, sending its webhooks to `webhookUrl`. */
export async function startFloorServer(webhookUrl: string): Promise<Served> {
  return spawnListening(
    'floor server',
    [scriptPath('floor-server.ts')],
    { ...process.env, WEBHOOK_URL: webhookUrl, PORT: '0' },
    /floor server listening on (http:\/\/\S+)\s/,
  );
}

/** Runs a script to completion and returns its last stdout line parsed as JSON. */
export async function runJsonScript<T>(script: string, env: NodeJS.ProcessEnv): Promise<T> {
  const child = spawn(process.execPath, [scriptPath(script)], { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`${script} exited with code ${code}:\n${stderr}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    if (field === 'VmHWM') return null;
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || null;
    } catch {
      return null;
    }
  }
}

/** Samples a process's resident set every 100 ms; `window()` is the peak since the last `reset()`. */
export class RssSampler {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const kb = rssKb(this.pid, 'VmRSS');
    if (kb !== null && kb > this.peakKb) this.peakKb = kb;
  }

  reset(): void {
    this.peakKb = 0;
    this.sample();
  }

  /** Peak RSS in MB since the last reset. */
  windowMb(): number {
    this.sample();
    return this.peakKb / 1024;
  }

  /** The kernel's high-water mark over the process's life (Linux), in MB. */
  lifetimePeakMb(): number | null {
    const kb = rssKb(this.pid, 'VmHWM');
    return kb === null ? null : kb / 1024;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

let clockTicks: number | null = null;

/**
 * CPU time (user + system, µs) a process has used so far, from /proc/<pid>/stat (utime and stime,
 * the 14th and 15th fields, in clock ticks; all of its threads, none of its children). Null off Linux.
 */
export function cpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (clockTicks === null) {
      try {
        clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      } catch {
        clockTicks = 100;
      }
    }
    return Number.isFinite(ticks) ? (ticks * 1e6) / clockTicks : null;
  } catch {
    return null;
  }
}

/** CPU µs used so far by each process of the local PostgreSQL server (postmaster, backends, background workers), by pid. */
function postgresCpuByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const micros = cpuMicros(Number(entry));
    if (micros !== null) byPid.set(Number(entry), micros);
  }
  return byPid;
}

/**
 * The local PostgreSQL server's CPU over a stretch of time, read every 200 ms as well as at both
 * ends, so that backends which exit before the end (a script's own connections) still count up to
 * their last reading.
 */
export class PostgresCpuMeter {
  private readonly start = postgresCpuByPid();
  private readonly latest = new Map(this.start);
  private readonly timer = setInterval(() => this.read(), 200);

  private read(): void {
    for (const [pid, micros] of postgresCpuByPid()) this.latest.set(pid, micros);
  }

  /** Stops reading; returns the CPU µs used since construction. */
  stop(): number {
    clearInterval(this.timer);
    this.read();
    return postgresCpuBetween(this.start, this.latest);
  }
}

/** CPU µs the PostgreSQL server used between two readings (a backend that exited in between is not counted). */
function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, micros] of after) sum += micros - (before.get(pid) ?? 0);
  return sum;
}
