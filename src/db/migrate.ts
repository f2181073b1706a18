import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connect.ts';
import type { Engine } from './engine.ts';
import { initialMigration } from './migrations/001_initial.ts';
import { deliveryQueueMigration } from './migrations/002_delivery_queue.ts';
import { storageProbesMigration } from './migrations/004_storage_probes.ts';

function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '001_initial': initialMigration(engine),
    '002_delivery_queue': deliveryQueueMigration,
    '004_storage_probes': storageProbesMigration,
  };
}

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES = Object.keys(migrationsFor('sqlite'));
export const LATEST_MIGRATION = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];

function migratorFor(store: Store): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store.engine) };
  return new Migrator({ db: store.db, provider });
}

/** Applies pending migrations; concurrent callers on PostgreSQL are serialised by Kysely's lock table. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const { error, results } = await migratorFor(store).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrations = await migratorFor(store).getMigrations();
  return migrations.filter((m) => !m.executedAt).map((m) => m.name);
}
