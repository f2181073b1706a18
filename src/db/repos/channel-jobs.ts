import type { ChannelJobKind } from '../schema.ts';
import type { Tx } from './tx.ts';
import { newId } from '../../domain/ids.ts';

export interface NewChannelJob {
  workspaceId: string;
  channelId: string;
  conversationId: string;
  messageId: string;
  kind: ChannelJobKind;
  /** Sends of one conversation leave in this order. */
  orderAt: number;
  dueAt?: number;
  payload?: Record<string, unknown> | null;
}

/** Queues work for a channel's workers in the caller's transaction: it exists exactly when the change commits. Once per (message, kind). */
export async function enqueueChannelJob(trx: Tx, job: NewChannelJob): Promise<void> {
  const now = Date.now();
  await trx
    .insertInto('channel_jobs')
    .values({
      workspace_id: job.workspaceId,
      id: newId(),
      channel_id: job.channelId,
      conversation_id: job.conversationId,
      message_id: job.messageId,
      kind: job.kind,
      order_at: job.orderAt,
      state: 'queued',
      attempt_count: 0,
      next_attempt_at: job.dueAt ?? now,
      locked_until: null,
      last_error: null,
      payload: job.payload ? JSON.stringify(job.payload) : null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
