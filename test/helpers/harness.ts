import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { buildApp, type App } from '../../src/app.ts';
import type { Modules } from '../../src/modules/contract.ts';
import { initWorkspace, type InitResult } from '../../src/domain/workspaces.ts';
import type { Ctx } from '../../src/domain/context.ts';
import { scratchPostgresDatabase } from './scratch-database.ts';

import { TEST_DATABASE_URL } from './engine.ts';

export { ENGINE, TEST_DATABASE_URL } from './engine.ts';

/** A fresh database of the engine under test: a new SQLite file, or a new PostgreSQL database dropped afterwards. */
export async function freshStore(): Promise<{ store: Store; url: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conversas-test-'));
  if (!TEST_DATABASE_URL) {
    const url = `sqlite:${join(dataDir, 'test.db')}`;
    const store = openStore(url);
    await migrateToLatest(store);
    return {
      store,
      url,
      dataDir,
      drop: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await scratchPostgresDatabase(TEST_DATABASE_URL, `conversas_test_${process.pid}_${randomBytes(4).toString('hex')}`);
  const store = openStore(database.url, { poolSize: 5 });
  await migrateToLatest(store);
  return {
    store,
    url: database.url,
    dataDir,
    drop: async () => {
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  app: App;
  store: Store;
  ctx: Ctx;
  config: Config;
  /** The first workspace, as `conversas init` made it. */
  ws: InitResult;
  /** A second workspace, for cross-workspace isolation tests. */
  other: InitResult;
  url: string;
  close(): Promise<void>;
}

/** `appOptions.logger`: a pino configuration (with a `stream`) for tests that read the log; silent otherwise. */
export async function startHarness(
  overrides: Partial<Config> = {},
  appOptions: { logger?: object; modules?: Modules; inboxDir?: string } = {},
): Promise<Harness> {
  const { store, url, dataDir, drop } = await freshStore();
  const config = loadConfig(
    { CONVERSAS_DATA_DIR: dataDir, CONVERSAS_RATE_LIMIT_PER_MINUTE: '0', CONVERSAS_AUTH_FAILURES_PER_MINUTE: '0', LOG_LEVEL: 'silent' },
    {
      databaseUrl: url,
      runWorkers: false,
      allowPrivateWebhooks: true,
      ...overrides,
    },
  );
  // TEST_LOG=1 shows what a failing request logged (500s log their error).
  const app = await buildApp(config, store, {
    logger: appOptions.logger ?? (process.env.TEST_LOG ? { level: 'error' } : false),
    modules: appOptions.modules,
    inboxDir: appOptions.inboxDir,
  });
  await app.ready();
  const ws = await initWorkspace(store.db, 'Test');
  const other = await initWorkspace(store.db, 'Other');
  return {
    app,
    store,
    ctx: app.ctx,
    config,
    ws,
    other,
    url,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
}

/** A native API call with `Authorization: Bearer` (the harness's first workspace unless `key` says otherwise). */
export async function call(h: Harness, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, options: CallOptions = {}) {
  const key = options.key === undefined ? h.ws.apiKey : options.key;
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
  const response = await h.app.inject({
    method,
    url,
    headers,
    query: options.query,
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  let json: any = null;
  try {
    json = response.json();
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, headers: response.headers, body: response.body };
}

let phoneCounter = 0;
/** A sandbox inbound message on the workspace's channel; returns the ids. */
export async function inbound(h: Harness, options: { phone?: string; text?: string; externalId?: string; ws?: InitResult; name?: string } = {}) {
  const ws = options.ws ?? h.ws;
  const phone = options.phone ?? `55119${String(Date.now() % 100000).padStart(5, '0')}${String(++phoneCounter).padStart(3, '0')}`;
  const res = await call(h, 'POST', `/api/v1/channels/${ws.channelId}/inbound`, {
    key: ws.apiKey,
    body: {
      from: { phone, name: options.name ?? 'Maria' },
      message: { type: 'text', text: options.text ?? 'Olá', ...(options.externalId ? { externalId: options.externalId } : {}) },
    },
  });
  if (res.status !== 200) throw new Error(`inbound failed: ${res.status} ${res.body}`);
  return res.json as { personId: string; conversationId: string; messageId: string; duplicate: boolean };
}

/** Logs which engine the suite runs on, once per file. */
export function engineBanner(): string {
  return TEST_DATABASE_URL ? 'postgres' : 'sqlite (set TEST_DATABASE_URL to also run on PostgreSQL)';
}
