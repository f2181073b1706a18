import { fork, type ChildProcess } from 'node:child_process';
import { scriptPath } from './paths.ts';

/** GETs of paths picked at random from `paths`. */
export interface GetSpec {
  kind: 'get';
  origin: string;
  headers: Record<string, string>;
  paths: string[];
  connections: number;
  durationSeconds: number;
}

/** Sandbox inbound messages from `phones` distinct phones, each with a unique externalId. */
export interface InboundSpec {
  kind: 'inbound';
  origin: string;
  headers: Record<string, string>;
  path: string;
  phonePrefix: string;
  phones: number;
  externalIdPrefix: string;
  connections: number;
  durationSeconds: number;
}

export type LoadSpec = GetSpec | InboundSpec;

export interface LoadResult {
  durationSeconds: number;
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx responses per second. */
  rps: number;
  /** Latency of 2xx responses, ms (autocannon's histogram has 1 ms resolution). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Inbound only: the messageId of every 2xx answer with duplicate:false, and how many said duplicate:true. */
  ackedMessageIds?: string[];
  duplicateAnswers?: number;
  sent?: number;
}

type Reply = { id: number; result?: LoadResult; error?: string };

/**
 * The load generator runs in its own process (bench/load.ts), so it does not share a CPU core's
 * event loop with the server or with the harness; it stays up for a whole run and takes one spec at a time.
 */
export class LoadWorker {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();

  constructor() {
    this.child = fork(scriptPath('load.ts'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result!);
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load worker exited with code ${code}`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.child.send({ id, spec });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.disconnect();
    await exited;
  }
}
