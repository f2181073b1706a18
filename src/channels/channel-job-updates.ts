import type { Selectable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { ChannelJobTable } from '../db/schema.ts';
import { forUpdate, type Tx } from '../db/repos/tx.ts';
import type { Actor, Ctx } from '../domain/context.ts';
import type { Message } from '../domain/model.ts';
import { applyStatus } from '../domain/receipts.ts';
import { messageFromRow } from '../db/rows.ts';
import { MAX_ATTEMPTS, backoffDelayMs } from '../events/retry-policy.ts';

export type ChannelJob = Selectable<ChannelJobTable>;

/** The job is done (or given up): it leaves the queue. */
export async function finishJob(db: Db | Tx, job: ChannelJob): Promise<void> {
  await db.deleteFrom('channel_jobs').where('workspace_id', '=', job.workspace_id).where('id', '=', job.id).execute();
}

/** Back to the queue at `dueAt`, unleased; `counted` adds the attempt just made to `attempt_count`. */
export async function requeueJob(db: Db | Tx, job: ChannelJob, dueAt: number, error: string | null, counted = true): Promise<void> {
  await db
    .updateTable('channel_jobs')
    .set({ state: 'queued', locked_until: null, next_attempt_at: dueAt, last_error: error, attempt_count: counted ? job.attempt_count + 1 : job.attempt_count })
    .where('workspace_id', '=', job.workspace_id)
    .where('id', '=', job.id)
    .execute();
}

/** When a transiently failed job runs again, or null when that was its last attempt. */
export function nextAttemptAt(job: ChannelJob, now: number, retryAfterMs: number | null): number | null {
  const attempt = job.attempt_count + 1;
  if (attempt >= MAX_ATTEMPTS) return null;
  return now + (retryAfterMs ?? backoffDelayMs(attempt));
}

/**
 * The channel's token was refused: its jobs wait (the outbox skips the channel) until a PATCH
 * replaces the config. `updated_at` is left alone: that is what tells a PATCH happened since.
 */
export async function markChannelAuthError(db: Db | Tx, job: ChannelJob, error: string, now: number): Promise<void> {
  await db
    .updateTable('channels')
    .set({ status: 'error', last_error: error, last_error_at: now })
    .where('workspace_id', '=', job.workspace_id)
    .where('id', '=', job.channel_id)
    .execute();
}

/** A call with the channel's token went through: an `error` channel is healthy again. */
export async function markChannelActive(db: Db | Tx, job: ChannelJob): Promise<void> {
  await db
    .updateTable('channels')
    .set({ status: 'active', last_error: null })
    .where('workspace_id', '=', job.workspace_id)
    .where('id', '=', job.channel_id)
    .where('status', '=', 'error')
    .execute();
}

/** The job's outbound message fails with `error` (forward-only, `message.updated`), in the caller's transaction. */
export async function failOutboundMessage(ctx: Ctx, trx: Tx, job: ChannelJob, error: string): Promise<void> {
  const message = await lockedMessage(ctx, trx, job);
  if (message) await applyStatus(ctx, trx, message, 'failed', error, channelActor(job));
}

/** The job's message, locked for the change that follows; null when it is gone. */
export async function lockedMessage(ctx: Ctx, trx: Tx, job: ChannelJob): Promise<Message | null> {
  const row = await forUpdate(
    trx.selectFrom('messages').selectAll().where('workspace_id', '=', job.workspace_id).where('id', '=', job.message_id),
    ctx.engine,
  ).executeTakeFirst();
  return row ? messageFromRow(row) : null;
}

export const channelActor = (job: ChannelJob): Actor => ({ type: 'channel', id: job.channel_id });
