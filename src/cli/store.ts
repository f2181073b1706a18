import { openStore, type Store } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Config } from '../config.ts';

/** Every command that uses the database applies pending migrations first (spec §5). */
export async function openMigratedStore(config: Config): Promise<{ store: Store; applied: string[] }> {
  const store = openStore(config.databaseUrl);
  try {
    const applied = await migrateToLatest(store);
    return { store, applied };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The database URL without its password, for messages. */
export function describeDatabase(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) return `SQLite at ${databaseUrl.slice('sqlite:'.length)}`;
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}
