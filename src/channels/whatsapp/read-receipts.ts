import type { Ctx } from '../../domain/context.ts';
import type { Tx } from '../../db/repos/tx.ts';
import type { ChannelJobHandler } from '../channel-outbox.ts';
import { enqueueChannelJob } from '../../db/repos/channel-jobs.ts';
import { channelFromRow } from '../../db/rows.ts';
import { finishJob, markChannelActive, markChannelAuthError, nextAttemptAt, requeueJob } from '../channel-job-updates.ts';
import { whatsAppConfigOf } from './config.ts';
import type { GraphClient } from './graph-client.ts';
import { graphTarget } from './sender.ts';

/**
 * An agent read the conversation: its newest inbound WhatsApp message is marked read at Meta,
 * once per message (whatsapp-channel.md §3), when the channel sends read receipts. Not in groups.
 */
export async function queueReadReceipt(_ctx: Ctx, trx: Tx, workspaceId: string, conversationId: string): Promise<void> {
  const row = await trx
    .selectFrom('conversations as c')
    .innerJoin('channels as ch', (j) => j.onRef('ch.workspace_id', '=', 'c.workspace_id').onRef('ch.id', '=', 'c.channel_id'))
    // The channel's columns, and two of the conversation's.
    .selectAll('ch')
    .select(['c.is_group', 'c.read_receipt_message_id'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', conversationId)
    .executeTakeFirst();
  if (row?.kind !== 'whatsapp' || row.is_group) return;
  if (whatsAppConfigOf(channelFromRow(row).config).sendReadReceipts === false) return;
  const newest = await trx
    .selectFrom('messages')
    .select(['id', 'external_id', 'message_at'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'INBOUND')
    .orderBy('message_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!newest?.external_id || newest.id === row.read_receipt_message_id) return;
  await trx
    .updateTable('conversations')
    .set({ read_receipt_message_id: newest.id })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', conversationId)
    .execute();
  await enqueueChannelJob(trx, {
    workspaceId,
    channelId: row.id,
    conversationId,
    messageId: newest.id,
    kind: 'read',
    orderAt: newest.message_at,
  });
}

/** The `read` job: blue ticks on the message (and the ones before it); safe to repeat, so transient failures retry. */
export function whatsAppReadHandler(deps: { ctx: Ctx; graph: GraphClient }): ChannelJobHandler {
  const { ctx } = deps;
  return async (job, channel, now) => {
    const message = await ctx.db
      .selectFrom('messages')
      .select('external_id')
      .where('workspace_id', '=', job.workspace_id)
      .where('id', '=', job.message_id)
      .executeTakeFirst();
    if (!message?.external_id) return finishJob(ctx.db, job);
    const result = await deps.graph.markRead(graphTarget(channel), message.external_id);
    if (result.ok) {
      if (channel.status === 'error') await markChannelActive(ctx.db, job);
      return finishJob(ctx.db, job);
    }
    const failure = result.failure;
    if (failure.class === 'auth') {
      await markChannelAuthError(ctx.db, job, failure.message, Date.now());
      return requeueJob(ctx.db, job, now, failure.message, false);
    }
    const dueAt = failure.class === 'rejected' ? null : nextAttemptAt(job, now, failure.retryAfterMs);
    // A receipt that cannot be given is dropped: the person's message itself is untouched.
    if (dueAt === null) return finishJob(ctx.db, job);
    return requeueJob(ctx.db, job, dueAt, failure.message);
  };
}
