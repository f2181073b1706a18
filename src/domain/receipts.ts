import type { Ctx, Actor } from './context.ts';
import type { ExternalStatus, Message } from './model.ts';
import { notFound } from './errors.ts';
import { emitEvent } from '../events/outbox.ts';
import { conversationSnapshot } from './snapshots.ts';
import { quotedSummary } from './messages.ts';
import { findConversation } from '../db/repos/conversations.ts';
import { messageFromRow } from '../db/rows.ts';
import { forShare, forUpdate, type Tx } from '../db/repos/tx.ts';

const RANK: Record<ExternalStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 0 };

/**
 * Can a message's externalStatus move from `from` to `to`? Only forward by rank (sent < delivered
 * < read < played). `failed` follows only `pending` or `sent`, and gives way only to a later
 * `delivered`, `read` or `played` (whatsapp-channel.md §2.6).
 */
export function isForward(from: ExternalStatus | null, to: ExternalStatus): boolean {
  if (from === null) return true;
  if (from === to) return false;
  if (to === 'failed') return from === 'pending' || from === 'sent';
  if (from === 'failed') return RANK[to] >= RANK.delivered;
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
    return applyStatus(ctx, trx, messageFromRow(row), input.status, input.error ?? null, { type: 'channel', id: channel.id });
  });
}

/** Moves a message's externalStatus forward (never back) and says so with `message.updated`, in the caller's transaction. */
export async function applyStatus(
  ctx: Ctx,
  trx: Tx,
  message: Message,
  status: ExternalStatus,
  error: string | null,
  actor: Actor,
  changes: { externalId?: string } = {},
): Promise<{ message: Message; changed: boolean }> {
  const forward = isForward(message.externalStatus, status);
  if (!forward && !changes.externalId) return { message, changed: false };
  const ws = message.workspaceId;
  const now = Date.now();
  const externalStatus = forward ? status : message.externalStatus;
  const errorMessage = !forward ? message.errorMessage : status === 'failed' ? (error ?? 'failed') : null;
  const externalId = changes.externalId ?? message.externalId;
  await trx
    .updateTable('messages')
    .set({ external_status: externalStatus, error_message: errorMessage, external_id: externalId, updated_at: now })
    .where('workspace_id', '=', ws)
    .where('id', '=', message.id)
    .execute();
  const updated: Message = { ...message, externalStatus, errorMessage, externalId, updatedAt: now };
  await emitMessageUpdated(ctx, trx, updated, actor, { previousExternalStatus: message.externalStatus });
  return { message: updated, changed: true };
}

/** `message.updated` for a message already written, with its conversation's snapshot. */
export async function emitMessageUpdated(ctx: Ctx, trx: Tx, message: Message, actor: Actor, extra: Record<string, unknown> = {}): Promise<void> {
  const conversation = await findConversation(trx, message.workspaceId, message.conversationId);
  await emitEvent(ctx, trx, message.workspaceId, 'message.updated', message.conversationId, {
    conversation: await conversationSnapshot(trx, conversation!),
    message,
    quoted: await quotedSummary(trx, message),
    previousExternalStatus: message.externalStatus,
    ...extra,
    actor,
  });
}
