import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore, type Store } from '../src/db/connect.ts';
import { LATEST_MIGRATION, migrateToLatest } from '../src/db/migrate.ts';
import { initWorkspace } from '../src/domain/workspaces.ts';
import { seedWorkspace } from '../src/cli/seed.ts';
import { createProgress } from '../src/cli/progress.ts';
import { DATA_DIR } from './paths.ts';

export type EngineName = 'sqlite' | 'postgres';
export type Size = 'quick' | 'full';

export interface Profile {
  conversations: number;
  messagesPerConversation: number;
  /** R3's long conversation and the depth of its measured page. */
  deepMessages: number;
  deepDepth: number;
  /** R2's deep page (limit 20). */
  listDeepPage: number;
}

export const PROFILES: Record<Size, Profile> = {
  quick: { conversations: 2_000, messagesPerConversation: 20, deepMessages: 5_000, deepDepth: 2_500, listDeepPage: 50 },
  full: { conversations: 100_000, messagesPerConversation: 10, deepMessages: 20_000, deepDepth: 10_000, listDeepPage: 500 },
};

/** Bump when the generated data changes shape, so cached datasets are rebuilt. */
const DATASET_VERSION = 1;
const RANDOM_SEED = 20_260_115;
/** Seeded history must not be swept INACTIVE (with events) by the server when the dataset ages. */
const NEVER_MINUTES = 10 * 365 * 24 * 60;

/**
 * Phone prefixes of the people the write scenarios create: W1's load, its warm-up and the reference
 * ingest. Seeded people are Brazilian numbers (55…), so these never collide and can be deleted.
 */
export const PHONE_PREFIX = {
  w1: '770',
  warmup: '771',
  w2: '772',
  w2warmup: '773',
  w3first: '774',
  w3second: '775',
  reference: '780',
  referenceGrouped: '781',
  stackFloorWarmup: '782',
  stackFloor: '783',
  stackFloorOutboxWarmup: '784',
  stackFloorOutbox: '785',
  stackFloorTwoProcesses: '786',
} as const;
const BENCH_PHONE_PATTERNS = ['77%', '78%'];

export interface Manifest {
  version: number;
  migration: string;
  engine: EngineName;
  size: Size;
  profile: Profile;
  databaseUrl: string;
  createdAt: string;
  generationSeconds: number;
  workspaceId: string;
  inboxId: string;
  channelId: string;
  /** Plain API key of the workspace (keys are stored hashed); this file is git-ignored. */
  apiKey: string;
  /** Every seeded conversation except the deep one. */
  conversationIds: string[];
  messages: number;
  deep: {
    conversationId: string;
    /** Messages GET /conversation/{id} shows (internal notes excluded). */
    visibleMessages: number;
    depth: number;
    /** nextCursor whose page starts `depth` messages back from the newest. */
    cursor: string;
  };
}

export function postgresServerUrl(): string | null {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null;
}

/** The dedicated database of one dataset size on the PostgreSQL server BENCH_DATABASE_URL points at. */
export function postgresDatasetUrl(serverUrl: string, size: Size): string {
  const url = new URL(serverUrl);
  url.pathname = `/conversas_bench_${size}`;
  return url.toString();
}

function manifestPath(engine: EngineName, size: Size): string {
  return resolve(DATA_DIR, `${engine}-${size}.json`);
}

function sqlitePath(size: Size): string {
  return resolve(DATA_DIR, `sqlite-${size}`, 'conversas.db');
}

export function datasetUrl(engine: EngineName, size: Size): string {
  if (engine === 'sqlite') return `sqlite:${sqlitePath(size)}`;
  const server = postgresServerUrl();
  if (!server) throw new Error('PostgreSQL needs BENCH_DATABASE_URL (or TEST_DATABASE_URL) pointing at a server whose role may CREATE DATABASE');
  return postgresDatasetUrl(server, size);
}

function readManifest(engine: EngineName, size: Size): Manifest | null {
  const path = manifestPath(engine, size);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The cached dataset when it is current and still present in its database. */
async function reusable(manifest: Manifest | null, engine: EngineName, size: Size, url: string): Promise<boolean> {
  if (!manifest || manifest.version !== DATASET_VERSION || manifest.migration !== LATEST_MIGRATION || manifest.databaseUrl !== url) return false;
  if (engine === 'sqlite' && !existsSync(sqlitePath(size))) return false;
  if (engine === 'postgres' && !(await postgresDatabaseExists(url))) return false;
  const store = openStore(url);
  try {
    const found = await store.db
      .selectFrom('conversations')
      .select('id')
      .where('workspace_id', '=', manifest.workspaceId)
      .where('id', '=', manifest.deep.conversationId)
      .executeTakeFirst();
    return found !== undefined;
  } catch {
    return false;
  } finally {
    await store.close();
  }
}

async function withAdminClient<T>(datasetUrl: string, work: (client: pg.Client, name: string) => Promise<T>): Promise<T> {
  const server = postgresServerUrl()!;
  const name = new URL(datasetUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

async function postgresDatabaseExists(url: string): Promise<boolean> {
  return withAdminClient(url, async (client, name) => (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

async function recreatePostgresDatabase(url: string): Promise<void> {
  await withAdminClient(url, async (client, name) => {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    await client.query(`drop database if exists ${quoted} with (force)`);
    await client.query(`create database ${quoted}`);
  });
}

/** Returns the dataset of this engine and size, generating it (a minute or more for `full`) when absent or stale. */
export async function ensureDataset(engine: EngineName, size: Size, log: (line: string) => void): Promise<Manifest> {
  const url = datasetUrl(engine, size);
  const cached = readManifest(engine, size);
  if (await reusable(cached, engine, size, url)) {
    log(
      `dataset: reusing ${engine} ${size} (${cached!.conversationIds.length + 1} conversations, ${cached!.messages.toLocaleString('en-US')} messages, built ${cached!.createdAt})`,
    );
    return cached!;
  }
  log(`dataset: generating ${engine} ${size} …`);
  rmSync(manifestPath(engine, size), { force: true });
  if (engine === 'sqlite') {
    const path = sqlitePath(size);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    mkdirSync(resolve(path, '..'), { recursive: true });
  } else {
    await recreatePostgresDatabase(url);
  }
  const manifest = await generate(engine, size, url);
  mkdirSync(DATA_DIR, { recursive: true });
  const path = manifestPath(engine, size);
  writeFileSync(`${path}.tmp`, JSON.stringify(manifest));
  renameSync(`${path}.tmp`, path);
  log(`dataset: ${engine} ${size} ready in ${manifest.generationSeconds.toFixed(1)} s`);
  return manifest;
}

async function generate(engine: EngineName, size: Size, url: string): Promise<Manifest> {
  const started = Date.now();
  const profile = PROFILES[size];
  const store = openStore(url);
  try {
    await migrateToLatest(store);
    const db = store.db;
    const init = await initWorkspace(db, 'Bench');
    const ws = init.workspaceId;
    await db.updateTable('inboxes').set({ inactivity_timeout_minutes: NEVER_MINUTES }).where('workspace_id', '=', ws).execute();

    const total = profile.deepMessages + profile.conversations * profile.messagesPerConversation;
    const progress = createProgress(`Seeding ${engine} ${size}`, total);
    const now = Date.now();
    // The deep conversation first: it is then the workspace's only conversation, which names it.
    await seedWorkspace(db, {
      conversations: 1,
      messagesPerConversation: profile.deepMessages,
      workspaceId: ws,
      randomSeed: RANDOM_SEED,
      now,
      onProgress: ({ messages }) => progress.update(messages, 'messages'),
    });
    const deepId = (await db.selectFrom('conversations').select('id').where('workspace_id', '=', ws).executeTakeFirstOrThrow()).id;
    const bulk = await seedWorkspace(db, {
      conversations: profile.conversations,
      messagesPerConversation: profile.messagesPerConversation,
      workspaceId: ws,
      randomSeed: RANDOM_SEED + 1,
      now,
      onProgress: ({ messages }) => progress.update(profile.deepMessages + messages, 'messages'),
    });
    progress.finish('messages');

    const visible = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws)
      .where('conversation_id', '=', deepId)
      .where('direction', '!=', 'INTERNAL')
      .executeTakeFirstOrThrow();
    const depth = Math.min(profile.deepDepth, Number(visible.n) - 50);
    const atDepth = await db
      .selectFrom('messages')
      .select(['message_at', 'id'])
      .where('workspace_id', '=', ws)
      .where('conversation_id', '=', deepId)
      .where('direction', '!=', 'INTERNAL')
      .orderBy('message_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .offset(depth - 1)
      .executeTakeFirstOrThrow();
    const conversationIds = (await db.selectFrom('conversations').select('id').where('workspace_id', '=', ws).where('id', '!=', deepId).execute()).map(
      (r) => r.id,
    );

    if (engine === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    // What autovacuum would have done by the time a real database held this much.
    else await sql`vacuum analyze`.execute(db);

    return {
      version: DATASET_VERSION,
      migration: LATEST_MIGRATION,
      engine,
      size,
      profile,
      databaseUrl: url,
      createdAt: new Date().toISOString(),
      generationSeconds: (Date.now() - started) / 1000,
      workspaceId: ws,
      inboxId: init.inboxId,
      channelId: init.channelId,
      apiKey: init.apiKey,
      conversationIds,
      messages: profile.deepMessages + bulk.messages,
      deep: {
        conversationId: deepId,
        visibleMessages: Number(visible.n),
        depth,
        // Cursors are base64url JSON [messageAt, id] of the oldest message of the previous page (src/http/cursor.ts).
        cursor: Buffer.from(JSON.stringify([atDepth.message_at, atDepth.id]), 'utf8').toString('base64url'),
      },
    };
  } finally {
    await store.close();
  }
}

/**
 * Deletes what the write scenarios added (people by their bench phone prefixes and everything of
 * theirs, plus every event, delivery and webhook subscription: seeding writes none), so each run
 * starts from the same dataset.
 */
export async function resetBenchWrites(store: Store, workspaceId: string): Promise<void> {
  const { db } = store;
  const ws = workspaceId;
  await db.transaction().execute(async (trx) => {
    const people = () =>
      trx
        .selectFrom('people')
        .select('id')
        .where('workspace_id', '=', ws)
        .where((eb) => eb.or(BENCH_PHONE_PATTERNS.map((p) => eb('phone_number', 'like', p))));
    const conversations = () => trx.selectFrom('conversations').select('id').where('workspace_id', '=', ws).where('person_id', 'in', people());
    await trx.deleteFrom('messages').where('workspace_id', '=', ws).where('conversation_id', 'in', conversations()).execute();
    await trx.deleteFrom('support_sessions').where('workspace_id', '=', ws).where('conversation_id', 'in', conversations()).execute();
    await trx.deleteFrom('conversation_agents').where('workspace_id', '=', ws).where('conversation_id', 'in', conversations()).execute();
    await trx.deleteFrom('conversation_tags').where('workspace_id', '=', ws).where('conversation_id', 'in', conversations()).execute();
    await trx.deleteFrom('conversations').where('workspace_id', '=', ws).where('person_id', 'in', people()).execute();
    await trx.deleteFrom('person_tags').where('workspace_id', '=', ws).where('person_id', 'in', people()).execute();
    await trx
      .deleteFrom('people')
      .where('workspace_id', '=', ws)
      .where((eb) => eb.or(BENCH_PHONE_PATTERNS.map((p) => eb('phone_number', 'like', p))))
      .execute();
    await trx.deleteFrom('delivery_attempts').where('workspace_id', '=', ws).execute();
    await trx.deleteFrom('deliveries').where('workspace_id', '=', ws).execute();
    await trx.deleteFrom('events').where('workspace_id', '=', ws).execute();
    await trx.deleteFrom('webhook_subscriptions').where('workspace_id', '=', ws).execute();
    // W2's WhatsApp channels (the dataset has none) and what they kept: their raw webhooks, wamids and jobs.
    const whatsapp = () => trx.selectFrom('channels').select('id').where('workspace_id', '=', ws).where('kind', '=', 'whatsapp');
    for (const table of ['channel_webhook_log', 'channel_inbound_ids', 'channel_jobs', 'waiting_statuses'] as const)
      await trx.deleteFrom(table).where('workspace_id', '=', ws).where('channel_id', 'in', whatsapp()).execute();
    await trx.deleteFrom('channels').where('workspace_id', '=', ws).where('kind', '=', 'whatsapp').execute();
  });
  // The test machines' PostgreSQL runs with autovacuum off; a production server's would have
  // cleared the last run's dead rows and kept the outbox's statistics current by now.
  if (store.engine === 'postgres')
    await sql`vacuum analyze deliveries, delivery_attempts, events, messages, conversations, people, conversation_counts`.execute(db);
}

export async function withStore<T>(url: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
