import type { Kysely } from 'kysely';

/**
 * Where readiness writes a row (and deletes it in the same transaction) while writes are being
 * refused for want of space, to learn when they can commit again. It stays empty.
 */
export const storageProbesMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('storage_probes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('written_at', 'bigint', (c) => c.notNull())
      .addColumn('filler', 'text', (c) => c.notNull())
      .execute();
  },
};
