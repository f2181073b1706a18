import type { Ctx, Actor } from './context.ts';
import type { ExternalStatus, Message } from './model.ts';
import { notFound } from './errors.ts';
import { emitEvent } from '../events/outbox.ts';
import { conversationSnapshot } from './snapshots.ts';
import { quotedSummary } from './messages.ts';
import { findConversation } from '../db/repos/conversations.ts';
import { messageFromRow } from '../db/rows.ts';
import { forShare, forUpdate } from '../db/repos/tx.ts';

const RANK: Record<ExternalStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 3 };

/** Can a message's externalStatus move from `from` to `to`? Only forward; `failed` is final, and cannot follow `read`. */
export function isForward(from: ExternalStatus | null, to: ExternalStatus): boolean {
  if (from === null) return true;
  if (from === 'failed' || from === 'read') return false;
  if (to === 'failed') return true;
  return RANK[to] > RANK[from];
}

/** A channel reports what happened to an outbound message. Stale or backward receipts change nothing. */
export async function applyReceipt(
  ctx: Ctx,
  input: { workspaceId: string; channelId: string; externalId: string; status: ExternalStatus; error?: string | null },
): Promise<{ message: Message; changed: boolean }> {
  const ws = input.workspaceId;
  return ctx.transact(async (trx) => {
    const channel = await forShare(
      trx.selectFrom('channels').select('id').where('workspace_id', '=', ws).where('id', '=', input.channelId).where('deleted_at', 'is', null),
      ctx.engine,
    ).executeTakeFirst();
    if (!channel) throw notFound('channel', input.channelId);
    const row = await forUpdate(
      trx
        .selectFrom('messages as m')
        .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
        .selectAll('m')
        .where('m.workspace_id', '=', ws)
        .where('m.external_id', '=', input.externalId)
        .where('c.channel_id', '=', input.channelId)
        .where('m.direction', '=', 'OUTBOUND'),
      ctx.engine,
    ).executeTakeFirst();
    if (!row) throw notFound('message', input.externalId);
    const message = messageFromRow(row);
    if (!isForward(message.externalStatus, input.status)) return { message, changed: false };
    const now = Date.now();
    const errorMessage = input.status === 'failed' ? (input.error ?? 'failed') : null;
    await trx
      .updateTable('messages')
      .set({ external_status: input.status, error_message: errorMessage, updated_at: now })
      .where('workspace_id', '=', ws)
      .where('id', '=', message.id)
      .execute();
    const updated: Message = { ...message, externalStatus: input.status, errorMessage, updatedAt: now };
    const conversation = await findConversation(trx, ws, message.conversationId);
    const actor: Actor = { type: 'channel', id: channel.id };
    await emitEvent(trx, ws, 'message.updated', message.conversationId, {
      conversation: await conversationSnapshot(trx, conversation!),
      message: updated,
      quoted: await quotedSummary(trx, updated),
      previousExternalStatus: message.externalStatus,
      actor,
    });
    return { message: updated, changed: true };
  });
}
