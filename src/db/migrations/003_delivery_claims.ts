import { sql, type Kysely } from 'kysely';

/**
 * Claims that end without a recorded outcome (the dispatcher died mid-send) become visible:
 * `claimed_at` is when the claim still outstanding was made, null once its outcome is recorded
 * or it is released; `interrupted_claims` lists, comma-separated in epoch ms, earlier claims that
 * ended without an outcome and are not yet in delivery_attempts. A claim taken over moves its
 * time there and counts in attempt_count in the same statement; the next recorded outcome writes
 * them to delivery_attempts in its transaction.
 */
export const deliveryClaimsMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deliveries').addColumn('claimed_at', 'bigint').execute();
    await db.schema.alterTable('deliveries').addColumn('interrupted_claims', 'text').execute();
    // Claims still held when upgrading had 60-s leases: they count from the lease's start.
    await sql`update deliveries set claimed_at = locked_until - 60000
      where locked_until is not null and status in ('PENDING', 'RETRYING')`.execute(db);
  },
};
