import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, DeliveryAttemptTable, DeliveryTable } from '../db/schema.ts';
import type { EngineQuirks } from '../db/engine-quirks.ts';
import type { Transact } from '../db/commit-groups.ts';
import { PLAN_EACH_TIME } from '../db/connect.ts';
import { newId } from '../domain/ids.ts';
import { prepared } from '../db/prepared.ts';

/**
 * The claim protocol of the outbox: a dispatcher claims a delivery with a short lease and renews
 * it while the send is in flight, so the claims of a dispatcher that died are taken over within
 * seconds. A claim is known by its `claimed_at`; one taken over (still outstanding, lease run out)
 * counts as an attempt whose outcome nobody recorded, and goes to the delivery log with the next
 * outcome recorded.
 */

/** A claim not renewed for this long is taken to be abandoned; the send timeout (10 s) may run past it, renewed. */
export const CLAIM_LEASE_MS = 8_000;
/** Claims in flight are renewed this often: three renewals in a row can be missed before a lease runs out. */
export const CLAIM_RENEW_MS = 2_000;
/** What the log says of a claim that ended without a recorded outcome. */
export const INTERRUPTED_ATTEMPT_MESSAGE = 'the dispatcher stopped before recording the outcome of this attempt; the receiver may have received it';

/** A delivery as this dispatcher claimed it: `claimed_at` is its claim. */
export type ClaimedDelivery = Selectable<DeliveryTable> & { claimed_at: number };
export type AttemptRow = Insertable<DeliveryAttemptTable>;

/** A claim this dispatcher holds: renewal and recording touch the delivery only while it is still this claim. */
export interface HeldClaim {
  workspace_id: string;
  id: string;
  claimed_at: number;
}

export const heldClaimKey = (claim: HeldClaim) => `${claim.workspace_id}\u0000${claim.id}\u0000${claim.claimed_at}`;

/** An open delivery (`d`) whose time has come and that no dispatcher holds: literal statuses, so the partial queue indexes apply. */
const dueAndUnleased = (now: number) =>
  sql<boolean>`d.status in ('PENDING', 'RETRYING') and d.next_attempt_at <= ${now} and (d.locked_until is null or d.locked_until < ${now})`;

/**
 * Claims due, unleased, open deliveries with no earlier open one for the same (subscription,
 * conversation), skipping paused subscriptions; returns them in due order. Plain SQL: the statuses
 * are literals so both planners walk the partial queue indexes of migration 002 in due order,
 * without a sort. SET expressions read the row as it was, so a claim still outstanding (its
 * dispatcher died) moves to `interrupted_claims` and counts in `attempt_count` in this very statement.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  transact: Transact,
  quirks: EngineQuirks,
  now: number,
  batchSize: number,
): Promise<ClaimedDelivery[]> {
  const due = sql`select d.workspace_id, d.id from deliveries d
    where ${dueAndUnleased(now)}
      and (d.conversation_id is null or not exists (
        select 1 from deliveries e
        where e.workspace_id = d.workspace_id and e.subscription_id = d.subscription_id
          and e.conversation_id = d.conversation_id and e.id < d.id and e.status in ('PENDING', 'RETRYING')))
      and not exists (
        select 1 from webhook_subscriptions s
        where s.workspace_id = d.workspace_id and s.id = d.subscription_id and s.is_active = 0 and s.deleted_at is null)
    order by d.next_attempt_at, d.id
    limit ${batchSize}`;
  // PostgreSQL: rows another dispatcher is claiming are skipped, not waited for; once its claim
  // commits, their lease excludes them here too. SQLite: one statement, atomic across processes.
  const lock = quirks.skipLockedClause();
  const { rows } = await quirks.walkingQueueIndex(db, transact, (claimer) =>
    sql<ClaimedDelivery>`${sql.raw(PLAN_EACH_TIME)}update deliveries set locked_until = ${now + CLAIM_LEASE_MS}, claimed_at = ${now},
      attempt_count = attempt_count + (case when claimed_at is null then 0 else 1 end),
      interrupted_claims = case when claimed_at is null then interrupted_claims
        else coalesce(interrupted_claims || ',', '') || cast(claimed_at as text) end
    where (workspace_id, id) in (${due} ${lock})
    returning *`.execute(claimer),
  );
  return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Whether any open delivery is due and unleased: an idle dispatcher's poll asks this first, one
 * prepared read, and claims only when it says yes. The claim itself is a write transaction (four
 * round trips on PostgreSQL, its statement planned each time). The claim's own condition, without
 * its order and pause checks: whatever the claim could take, this finds.
 */
const dueDelivery = prepared<{ now: number }, { due: number }>((db, p) =>
  db
    .selectFrom('deliveries as d')
    .select(sql<number>`1`.as('due'))
    .where(dueAndUnleased(p('now')))
    .limit(1),
);

export async function anyDeliveryDue(db: Kysely<Database>, now: number): Promise<boolean> {
  return (await dueDelivery(db, { now })).rows.length > 0;
}

/**
 * Extends the leases of these claims to `lease`, one statement for all of them. A delivery
 * recorded meanwhile, or claimed by another dispatcher after this one's lease ran out, no longer
 * carries the claim's `claimed_at` and is left alone.
 */
export async function renewClaims(db: Kysely<Database>, quirks: EngineQuirks, claims: HeldClaim[], lease: number): Promise<void> {
  if (claims.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ locked_until: lease })
    .where(
      quirks.tupleIn(
        CLAIM_COLUMNS,
        claims.map((c) => [c.workspace_id, c.id, c.claimed_at]),
      ),
    )
    .where('status', 'in', ['PENDING', 'RETRYING'])
    .execute();
}

const CLAIM_COLUMNS = [
  ['workspace_id', 'text'],
  ['id', 'text'],
  ['claimed_at', 'bigint'],
] as const;

/** Gives a claim back unattempted (its subscription is paused); the claims before it stay counted. */
export async function releaseClaim(db: Kysely<Database>, claim: HeldClaim): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ locked_until: null, claimed_at: null })
    .where('workspace_id', '=', claim.workspace_id)
    .where('id', '=', claim.id)
    .where('claimed_at', '=', claim.claimed_at)
    .execute();
}

/** The log rows of the claims this delivery carries that ended without an outcome; the duration is unknown, recorded as 0. */
export function interruptedAttempts(row: ClaimedDelivery): AttemptRow[] {
  if (!row.interrupted_claims) return [];
  return row.interrupted_claims.split(',').map((claimedAt) => ({
    workspace_id: row.workspace_id,
    id: newId(),
    delivery_id: row.id,
    attempted_at: Number(claimedAt),
    status_code: null,
    response_body: null,
    error_message: INTERRUPTED_ATTEMPT_MESSAGE,
    duration_ms: 0,
  }));
}
