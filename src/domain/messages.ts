import type { Ctx, Actor } from './context.ts';
import type { Conversation, Direction, ExternalStatus, Media, Message, MessageType } from './model.ts';
import { newId } from './ids.ts';
import { composeEvent, emitEvent } from '../events/outbox.ts';
import { conversationSnapshot, snapshotWith, type SnapshotNames } from './snapshots.ts';
import { findMessage, findMessageByKey } from '../db/repos/messages.ts';
import type { QuotedSummary } from '../db/repos/conversation-views.ts';
import { toJson } from '../db/rows.ts';
import type { Tx } from '../db/repos/tx.ts';
import { insertInboundMessageWithEvent, insertMessageWithActivity } from '../db/repos/message-writes.ts';
import { enqueueChannelJob } from '../db/repos/channel-jobs.ts';

export interface NewMessage {
  type: MessageType;
  direction: Direction;
  content: string | null;
  media?: Media | null;
  messageAt?: number;
  externalId?: string | null;
  externalStatus?: ExternalStatus | null;
  senderPersonId?: string | null;
  senderUserId?: string | null;
  senderBotId?: string | null;
  contact?: { name: string | null; phoneNumber: string | null } | null;
  quotedMessageId?: string | null;
  metadata?: Record<string, unknown> | null;
  clientMessageId?: string | null;
}

export interface AppendResult {
  message: Message;
  duplicate: boolean;
}

/**
 * Stores a message once per externalId and per clientMessageId, advances the conversation's
 * activity and emits `message.created`, all in the caller's transaction.
 */
export async function appendMessage(
  ctx: Ctx,
  trx: Tx,
  conversation: Conversation,
  input: NewMessage,
  actor: Actor,
  /** The snapshot's names when the caller read them with the locked conversation: saves a query on the hot inbound path. */
  names?: SnapshotNames,
): Promise<AppendResult> {
  const ws = conversation.workspaceId;
  // An outbound repeat must not reach the channel again, so it is looked for first; an inbound
  // repeat is caught by the unique index on insert below (receiveInbound already looked).
  for (const key of input.direction === 'INBOUND' ? [] : (['client_message_id', 'external_id'] as const)) {
    const value = key === 'external_id' ? input.externalId : input.clientMessageId;
    if (value) {
      const existing = await findMessageByKey(trx, ws, conversation.id, key, value);
      if (existing) return { message: existing, duplicate: true };
    }
  }
  const now = Date.now();
  const message: Message = {
    id: newId(),
    workspaceId: ws,
    conversationId: conversation.id,
    type: input.type,
    direction: input.direction,
    content: input.content,
    media: input.media ?? null,
    messageAt: input.messageAt ?? now,
    externalId: input.externalId ?? null,
    externalStatus: input.externalStatus ?? null,
    errorMessage: null,
    senderPersonId: input.senderPersonId ?? null,
    senderUserId: input.senderUserId ?? null,
    senderBotId: input.senderBotId ?? null,
    contact: input.contact ?? null,
    quotedMessageId: input.quotedMessageId ?? null,
    transcription: null,
    summary: null,
    metadata: input.metadata ?? null,
    clientMessageId: input.clientMessageId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  let queued = false;
  if (message.direction === 'OUTBOUND' && !input.externalId) {
    const channel = await trx.selectFrom('channels').select('kind').where('workspace_id', '=', ws).where('id', '=', conversation.channelId).executeTakeFirst();
    const start = (channel && ctx.channelKinds.get(channel.kind)?.outbound(message)) ?? { externalId: null, externalStatus: 'pending' as const, queued: false };
    message.externalId = start.externalId;
    message.externalStatus = start.externalStatus;
    queued = start.queued;
  }
  const updated: Conversation = { ...conversation };
  if (message.direction !== 'INTERNAL' && (conversation.lastMessageAt === null || message.messageAt >= conversation.lastMessageAt)) {
    updated.lastMessageId = message.id;
    updated.lastMessageAt = message.messageAt;
    updated.lastActivityAt = Math.max(message.messageAt, conversation.createdAt);
  }
  if (message.direction === 'INBOUND') {
    updated.unreadCount += 1;
    updated.lastInboundAt = Math.max(message.messageAt, conversation.lastInboundAt ?? message.messageAt);
  }
  const row = {
    workspace_id: ws,
    id: message.id,
    conversation_id: message.conversationId,
    type: message.type,
    direction: message.direction,
    content: message.content,
    media_url: message.media?.url ?? null,
    media_mime_type: message.media?.mimeType ?? null,
    media_file_name: message.media?.fileName ?? null,
    media_caption: message.media?.caption ?? null,
    media_size: message.media?.size ?? null,
    message_at: message.messageAt,
    external_id: message.externalId,
    external_status: message.externalStatus,
    error_message: null,
    sender_person_id: message.senderPersonId,
    sender_user_id: message.senderUserId,
    sender_bot_id: message.senderBotId,
    contact_name: message.contact?.name ?? null,
    contact_phone: message.contact?.phoneNumber ?? null,
    quoted_message_id: message.quotedMessageId,
    transcription: null,
    summary: null,
    metadata: toJson(message.metadata),
    client_message_id: message.clientMessageId,
    media_status: message.media?.status ?? null,
    media_error: message.media?.error ?? null,
    created_at: now,
    updated_at: now,
  };
  const activity = {
    last_message_id: updated.lastMessageId,
    last_message_at: updated.lastMessageAt,
    last_activity_at: updated.lastActivityAt,
    unread_count: updated.unreadCount,
    // The window of a channel opens at the person's message, not its (possibly days-late) delivery.
    last_inbound_at: message.messageAt,
    workspace_id: ws,
    id: conversation.id,
  };
  // A known phone's message, its snapshot's names in hand: the event is composed first, so that
  // one statement writes the message, its conversation's counters and the event.
  if (names && message.direction === 'INBOUND' && !message.quotedMessageId) {
    const payload = { conversation: snapshotWith(updated, names), message, quoted: null, actor };
    const { write } = await composeEvent(ctx, trx, ws, 'message.created', conversation.id, payload);
    if (!(await insertInboundMessageWithEvent(trx, row, activity, write))) {
      const existing = await storedRepeat(trx, message);
      if (!existing) throw new Error(`message ${message.id} was neither stored nor found stored under its key`);
      return { message: existing, duplicate: true };
    }
    Object.assign(conversation, updated);
    return { message, duplicate: false };
  }
  if (!(await insertMessageWithActivity(trx, row, message.direction === 'INBOUND', activity))) {
    const existing = await storedRepeat(trx, message);
    if (existing) return { message: existing, duplicate: true };
  }
  if (queued) {
    await enqueueChannelJob(trx, {
      workspaceId: ws,
      channelId: conversation.channelId,
      conversationId: conversation.id,
      messageId: message.id,
      kind: 'send',
      orderAt: message.messageAt,
    });
  }

  if (message.senderUserId) {
    await trx
      .insertInto('conversation_agents')
      .values({ workspace_id: ws, conversation_id: conversation.id, user_id: message.senderUserId, first_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  Object.assign(conversation, updated);

  await emitEvent(ctx, trx, ws, 'message.created', conversation.id, {
    conversation: names ? snapshotWith(updated, names) : await conversationSnapshot(trx, updated),
    message,
    quoted: await quotedSummary(trx, message),
    actor,
  });
  return { message, duplicate: false };
}

/** The message a concurrent request with the same key committed first, to answer with. */
function storedRepeat(trx: Tx, message: Message): Promise<Message | null> {
  const key = message.clientMessageId ? 'client_message_id' : 'external_id';
  return findMessageByKey(trx, message.workspaceId, message.conversationId, key, (message.clientMessageId ?? message.externalId)!);
}

/** The message this one quotes, as message events carry it: webhook formatters read no database. */
export async function quotedSummary(trx: Tx, message: Message): Promise<QuotedSummary | null> {
  const quoted = message.quotedMessageId ? await findMessage(trx, message.workspaceId, message.quotedMessageId) : null;
  return quoted && { id: quoted.id, content: quoted.content, messageAt: quoted.messageAt };
}
