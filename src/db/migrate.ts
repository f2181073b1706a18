import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connect.ts';
import type { Engine } from './engine.ts';
import { initialMigration } from './migrations/001_initial.ts';
import { deliveryQueueMigration } from './migrations/002_delivery_queue.ts';
import { deliveryClaimsMigration } from './migrations/003_delivery_claims.ts';
import { storageProbesMigration } from './migrations/004_storage_probes.ts';
import { whatsappChannelMigration } from './migrations/005_whatsapp_channel.ts';
import { agentsMigration } from './migrations/006_agents.ts';
import { savedRepliesMigration } from './migrations/007_saved_replies.ts';
import { conversationCountsMigration } from './migrations/008_conversation_counts.ts';
import { listIndexCoversGroupsMigration } from './migrations/009_list_index_covers_groups.ts';

function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '001_initial': initialMigration(engine),
    '002_delivery_queue': deliveryQueueMigration,
    '003_delivery_claims': deliveryClaimsMigration,
    '004_storage_probes': storageProbesMigration,
    '005_whatsapp_channel': whatsappChannelMigration(engine),
    '006_agents': agentsMigration(engine),
    '007_saved_replies': savedRepliesMigration(engine),
    '008_conversation_counts': conversationCountsMigration(engine),
    '009_list_index_covers_groups': listIndexCoversGroupsMigration,
  };
}

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES = Object.keys(migrationsFor('sqlite'));
export const LATEST_MIGRATION = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];

function migratorFor(store: Store): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store.engine) };
  return new Migrator({ db: store.db, provider });
}

/**
 * The names of the applied migrations, in one query; null before the first migration. Kysely's
 * Migrator introspects the schema and takes its lock table first (12-30 ms on PostgreSQL), which
 * every start and every /readyz paid on a database that was already migrated.
 */
async function appliedMigrations(store: Store): Promise<Set<string> | null> {
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(store.db);
    return new Set(rows.map((r) => r.name));
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '42P01' || /no such table/.test(e.message ?? '')) return null;
    throw error;
  }
}

/** Applies pending migrations; concurrent callers on PostgreSQL are serialised by Kysely's lock table. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const applied = await appliedMigrations(store);
  // Exactly these migrations applied: nothing to do. Otherwise the Migrator applies what is pending, or refuses a database it does not know.
  if (applied?.size === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => applied.has(name))) return [];
  const { error, results } = await migratorFor(store).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(store: Store): Promise<string[]> {
  const applied = await appliedMigrations(store);
  return MIGRATION_NAMES.filter((name) => !applied?.has(name));
}
