import type { Actor, Ctx } from './context.ts';
import type { Message } from './model.ts';
import { conflict, notFound } from './errors.ts';
import { lockConversation } from './conversations.ts';
import { checkServiceWindow } from './send-message.ts';
import { emitMessageUpdated } from './receipts.ts';
import { enqueueChannelJob } from '../db/repos/channel-jobs.ts';
import { messageFromRow } from '../db/rows.ts';
import { forUpdate } from '../db/repos/tx.ts';

export interface RetryInput {
  workspaceId: string;
  conversationId: string;
  messageId: string;
}

/**
 * An agent sends a failed outbound message again: the same message (same id, text, file and place
 * in the history) goes back to its channel the way a new send would start, its error cleared, and
 * `message.updated` says so. Only a `failed` message: a second retry that arrives after the first
 * committed finds it no longer failed (409 `not_failed`), so one click sends once. The channel's
 * 24-hour window applies as it does to a send (409 `outside_service_window`).
 */
export async function retryMessage(ctx: Ctx, input: RetryInput, actor: Actor): Promise<Message> {
  const ws = input.workspaceId;
  return ctx.transact(async (trx) => {
    // The conversation lock orders the retry with sends into the same conversation.
    const conversation = await lockConversation(ctx, trx, ws, input.conversationId);
    if (!conversation) throw notFound('conversation', input.conversationId);
    const row = await forUpdate(
      trx.selectFrom('messages').selectAll().where('workspace_id', '=', ws).where('id', '=', input.messageId).where('conversation_id', '=', conversation.id),
      ctx.engine,
    ).executeTakeFirst();
    if (!row) throw notFound('message', input.messageId);
    const message = messageFromRow(row);
    if (message.direction !== 'OUTBOUND') throw conflict('Only an outbound message that failed can be sent again', 'not_failed');
    if (message.externalStatus !== 'failed')
      throw conflict(`Only a failed message can be sent again; this one is ${message.externalStatus ?? 'without a delivery state'}`, 'not_failed');
    if (message.type !== 'template') await checkServiceWindow(ctx, trx, ws, conversation.id, conversation.channelId);
    const sending = await trx
      .selectFrom('channel_jobs')
      .select('state')
      .where('workspace_id', '=', ws)
      .where('message_id', '=', message.id)
      .where('kind', '=', 'send')
      .where('state', '=', 'sending')
      .executeTakeFirst();
    if (sending) throw conflict('The message is being sent right now', 'send_in_progress');

    const channel = await trx.selectFrom('channels').select('kind').where('workspace_id', '=', ws).where('id', '=', conversation.channelId).executeTakeFirst();
    const again: Message = { ...message, externalId: null, externalStatus: 'pending', errorMessage: null };
    // As a new send starts on this channel: the sandbox has it on the network at once, WhatsApp queues it for its sender.
    const start = (channel && ctx.channelKinds.get(channel.kind)?.outbound(again)) ?? { externalId: null, externalStatus: 'pending' as const, queued: false };
    const now = Date.now();
    const updated: Message = { ...again, externalId: start.externalId, externalStatus: start.externalStatus, updatedAt: now };
    await trx
      .updateTable('messages')
      .set({ external_status: updated.externalStatus, external_id: updated.externalId, error_message: null, updated_at: now })
      .where('workspace_id', '=', ws)
      .where('id', '=', message.id)
      .execute();
    if (start.queued) {
      // After whatever this conversation already has queued: the retry is sent now, not back in time.
      await enqueueChannelJob(trx, {
        workspaceId: ws,
        channelId: conversation.channelId,
        conversationId: conversation.id,
        messageId: message.id,
        kind: 'send',
        orderAt: now,
      });
    }
    await emitMessageUpdated(ctx, trx, updated, actor, { previousExternalStatus: message.externalStatus });
    return updated;
  });
}
