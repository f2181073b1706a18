import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config.ts';
import { buildApp } from '../app.ts';
import { openStore } from '../db/connect.ts';
import { hasWorkspace, initWorkspace } from '../domain/workspaces.ts';
import { startWorkers } from '../workers.ts';
import { UsageError, parseFlags, positiveInteger } from './args.ts';
import { credentialsBlock } from './credentials.ts';
import { describeDatabase, openMigratedStore } from './store.ts';

const SHUTDOWN_GRACE_MS = 10_000;
/** PostgreSQL connections of the background loops (dispatcher claims and records, scheduler, sweeps). */
const WORKER_POOL_SIZE = 3;

/** PORT=0: choose a free port before building the app, so PUBLIC_URL and printed URLs are real. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment with `--port`/`--host` in place of PORT/HOST, so PUBLIC_URL's default follows the flags. */
async function resolveConfig(flags: { port?: string; host?: string }): Promise<Config> {
  const env = { ...process.env };
  if (flags.port !== undefined) env.PORT = String(positiveInteger('serve', 'port', flags.port, 0, 0, 65535));
  if (flags.host !== undefined) {
    if (flags.host.trim() === '') throw new UsageError('conversas serve: --host must name an address or host, got ""');
    env.HOST = flags.host.trim();
  }
  const config = loadConfig(env);
  if (config.port !== 0) return config;
  return loadConfig({ ...env, PORT: String(await freePort(config.host)) });
}

export async function serveCommand(argv: string[]): Promise<number> {
  const flags = parseFlags('serve', argv, { port: { type: 'string' }, host: { type: 'string' } });
  const config = await resolveConfig(flags);
  const { store, applied } = await openMigratedStore(config);
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    if (applied.length > 0) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
    if (!(await hasWorkspace(store.db))) {
      const created = await initWorkspace(store.db);
      process.stdout.write(credentialsBlock(created, config.publicUrl));
    }
    // bin/conversas.js builds the inbox (when its sources changed) and names its directory here.
    app = await buildApp(config, store, { inboxDir: process.env.CONVERSAS_INBOX_DIR || null });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app?.close().catch(() => {});
    await store.close();
    throw error;
  }
  const listening = app;
  store.logTo(listening.log);
  // On PostgreSQL the background loops get connections of their own: in a shared pool, a burst
  // of requests queues the dispatcher behind it and webhooks fall seconds behind.
  const workerStore = store.quirks.workersNeedOwnConnections ? openStore(config.databaseUrl, { poolSize: WORKER_POOL_SIZE }) : null;
  workerStore?.logTo(listening.log);
  const workerCtx = workerStore ? { ...listening.ctx, db: workerStore.db, transact: workerStore.transact } : listening.ctx;
  // The dispatcher listens on the server's store: its commits wake it at once, other processes' through NOTIFY.
  const workers = startWorkers(workerCtx, config, listening.log, { modules: listening.modules, media: listening.media }, store.outboxSignal);
  const address = listening.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(
    `Conversas is listening on http://${host}:${address.port} (${describeDatabase(config.databaseUrl)})\n` +
      `Inbox: ${config.publicUrl}/ · API docs: ${config.publicUrl}/docs · OpenAPI: ${config.publicUrl}/openapi.json\n`,
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting without waiting.\n`);
        process.exit(1);
      }
      stopping = true;
      listening.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${SHUTDOWN_GRACE_MS / 1000} s: exiting.\n`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      let code = 0;
      try {
        // app.close() stops accepting at once and then waits for in-flight requests.
        const closing = listening.close();
        await workers.stop();
        await closing;
      } catch (error) {
        process.stderr.write(`Error while shutting down: ${(error as Error).message}\n`);
        code = 1;
      }
      await workerStore?.close().catch(() => {});
      await store.close().catch(() => {});
      clearTimeout(force);
      resolve(code);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
