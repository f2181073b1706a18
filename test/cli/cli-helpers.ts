import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { TEST_DATABASE_URL } from '../helpers/engine.ts';
import { scratchPostgresDatabase } from '../helpers/scratch-database.ts';

export const CLI = fileURLToPath(new URL('../../bin/conversas.js', import.meta.url));

/** A database of the engine under test with nothing in it — not even the schema. */
export async function emptyDatabase(): Promise<{ url: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conversas-cli-'));
  const server = TEST_DATABASE_URL;
  if (!server) {
    return { url: `sqlite:${join(dataDir, 'cli.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const database = await scratchPostgresDatabase(server, `conversas_test_cli_${process.pid}_${randomBytes(4).toString('hex')}`);
  return {
    url: database.url,
    dataDir,
    drop: async () => {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment a CLI process gets: this database, a free port, quiet logs, no rate limit. */
export function cliEnv(db: { url: string; dataDir: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    CONVERSAS_DATA_DIR: db.dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    CONVERSAS_RATE_LIMIT_PER_MINUTE: '0',
    ...extra,
  };
  if (!('PUBLIC_URL' in extra)) delete env.PUBLIC_URL;
  delete env.NODE_OPTIONS;
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `conversas <args>` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

export interface Credentials {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  botId: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
}

export interface Server {
  child: ChildProcess;
  baseUrl: string;
  /** The credentials block, when this start created the workspace. */
  credentials: Credentials | null;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const field = (text: string, label: string) => new RegExp(`^\\s*${label}:\\s+(\\S+)\\s*$`, 'm').exec(text)?.[1] ?? null;

/** Starts `conversas serve` and resolves once it prints the URL it listens on. */
export function startServe(env: NodeJS.ProcessEnv, timeoutMs = 30_000, flags: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', ...flags], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const listening = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!listening) return;
      clearTimeout(timer);
      const apiKey = field(stdout, 'API key');
      resolvePromise({
        child,
        baseUrl: listening[1]!,
        exited,
        output: () => ({ stdout, stderr }),
        credentials: apiKey
          ? {
              apiKey,
              workspaceId: field(stdout, 'Workspace id')!,
              inboxId: field(stdout, 'Inbox id')!,
              channelId: field(stdout, 'Channel id')!,
              botId: field(stdout, 'Bot id')!,
              clientId: field(stdout, 'Client id')!,
              clientSecret: field(stdout, 'Client secret')!,
            }
          : null,
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (code ${code}, signal ${signal}):\n${stdout}\n${stderr}`));
    });
  });
}

export async function stopServer(server: Server | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}

/** A native API call against a running server. */
export async function api(server: Server, apiKey: string, method: string, path: string, body?: unknown) {
  const response = await fetch(server.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}
