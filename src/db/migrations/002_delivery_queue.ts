import { sql, type Kysely } from 'kysely';

/**
 * The dispatcher's queue indexes hold open deliveries only (PENDING or RETRYING): a claim walks
 * them in due order without sorting, and the "earlier open delivery of this conversation" check
 * no longer steps over every delivered one. Delivered rows leave both indexes, so they stay small.
 * Queries must spell the statuses as literals for the planners to use them.
 */
export const deliveryQueueMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('deliveries_due_idx').execute();
    await db.schema.dropIndex('deliveries_order_idx').execute();
    await sql`create index deliveries_open_due_idx on deliveries (next_attempt_at, id) where status in ('PENDING', 'RETRYING')`.execute(db);
    await sql`create index deliveries_open_order_idx on deliveries (workspace_id, subscription_id, conversation_id, id) where status in ('PENDING', 'RETRYING')`.execute(
      db,
    );
  },
};
