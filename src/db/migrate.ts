import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './connect.ts';
import type { Engine } from './engine.ts';
import { initialMigration } from './migrations/001_initial.ts';
import { deliveryQueueMigration } from './migrations/002_delivery_queue.ts';
import { deliveryClaimsMigration } from './migrations/003_delivery_claims.ts';

function migrationsFor(engine: Engine): Record<string, Migration> {
  return {
    '001_initial': initialMigration(engine),
    '002_delivery_queue': deliveryQueueMigration,
    '003_delivery_claims': deliveryClaimsMigration,
  };
}

export const LATEST_MIGRATION = '003_delivery_claims';

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
