import type { Actor, Ctx } from '../../domain/context.ts';
import type { Message } from '../../domain/model.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import { findOrCreateGroup, findOrCreatePerson, findOrCreatePersonNoting, learn, type InboundIdentity } from '../../domain/inbound.ts';
import { findOrCreateConversation, lockConversation } from '../../domain/conversations.ts';
import { applyTrigger } from '../../domain/conversation-transitions.ts';
import { appendMessage, type NewMessage } from '../../domain/messages.ts';
import { applyStatus, emitMessageUpdated } from '../../domain/receipts.ts';
import { enqueueChannelJob } from '../../db/repos/channel-jobs.ts';
import { messageFromRow, toJson } from '../../db/rows.ts';
import { phoneVariants } from './phone-variants.ts';
import { SEND_OUTCOME_UNKNOWN } from '../channel-outbox.ts';
import type { WaContent, WaItem, WaPerson } from './webhook-types.ts';

/** The live WhatsApp channel a change was routed to. */
export interface RoutedChannel {
  workspaceId: string;
  id: string;
  inboxId: string;
}

type ItemOf<K extends WaItem['kind']> = Extract<WaItem, { kind: K }>;

/** Applies one webhook item in the caller's transaction (whatsapp-channel.md §2 rules 3–8). */
export async function applyItem(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: WaItem): Promise<void> {
  const actor: Actor = { type: 'channel', id: channel.id };
  switch (item.kind) {
    case 'message':
      return receiveMessage(ctx, trx, channel, item, actor);
    case 'echo':
      return receiveEcho(ctx, trx, channel, item, actor);
    case 'reaction':
      return receiveReaction(ctx, trx, channel, item, actor);
    case 'system':
      return receiveSystem(ctx, trx, channel, item, actor);
    case 'status':
      return receiveStatus(ctx, trx, channel, item, actor);
    case 'error':
      return recordChannelError(trx, channel, `${item.code ?? 'error'}: ${item.message ?? item.title}`);
    case 'invalid':
      return;
  }
}

/** Stored once per (channel, id), enforced by the primary key also under concurrent redelivery: true the first time. */
async function firstTime(trx: Tx, channel: RoutedChannel, externalId: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('channel_inbound_ids')
    .values({ workspace_id: channel.workspaceId, channel_id: channel.id, external_id: externalId, received_at: Date.now() })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

function identityOf(person: WaPerson): InboundIdentity {
  return { phones: person.phone ? phoneVariants(person.phone) : [], bsuid: person.userId, name: person.name ?? person.username };
}

async function conversationFor(ctx: Ctx, trx: Tx, channel: RoutedChannel, person: WaPerson, groupId: string | null, actor: Actor) {
  const found = await findOrCreatePersonNoting(ctx, trx, channel.workspaceId, channel.inboxId, identityOf(person), actor);
  const personId = found.id;
  const group = groupId ? await findOrCreateGroup(trx, channel.workspaceId, channel.inboxId, channel.id, groupId, null, personId) : null;
  const { conversation } = await findOrCreateConversation(
    ctx,
    trx,
    {
      workspaceId: channel.workspaceId,
      inboxId: channel.inboxId,
      channelId: channel.id,
      personId: group ? null : personId,
      groupId: group,
      status: 'ROBOT_INTERACTIVE',
      followChannel: true,
      createdPerson: group ? null : found.created,
    },
    actor,
  );
  return { personId, conversation };
}

/** A message of this channel by id, locked (PostgreSQL) until the transaction ends. */
async function lockedMessage(ctx: Ctx, trx: Tx, channel: RoutedChannel, id: string): Promise<Message | null> {
  const row = await forUpdate(
    trx.selectFrom('messages').selectAll().where('workspace_id', '=', channel.workspaceId).where('id', '=', id),
    ctx.engine,
  ).executeTakeFirst();
  if (!row) return null;
  const conversation = await trx
    .selectFrom('conversations')
    .select('channel_id')
    .where('workspace_id', '=', channel.workspaceId)
    .where('id', '=', row.conversation_id)
    .executeTakeFirst();
  return conversation?.channel_id === channel.id ? messageFromRow(row) : null;
}

/** A message of this channel by its wamid. */
async function messageByWamid(trx: Tx, channel: RoutedChannel, wamid: string): Promise<Message | null> {
  const row = await trx
    .selectFrom('messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .selectAll('m')
    .where('m.workspace_id', '=', channel.workspaceId)
    .where('m.external_id', '=', wamid)
    .where('c.channel_id', '=', channel.id)
    .executeTakeFirst();
  return row ? messageFromRow(row) : null;
}

function newMessageOf(body: WaContent): Omit<NewMessage, 'direction'> {
  const media = body.media;
  return {
    type: body.type,
    content: body.content,
    media: media && {
      url: null,
      mimeType: media.mimeType,
      fileName: media.fileName,
      caption: media.caption,
      size: null,
      status: 'pending',
      error: null,
    },
    contact: body.contact,
    metadata: body.metadata,
  };
}

async function queueMediaFetch(trx: Tx, channel: RoutedChannel, message: Message, body: WaContent): Promise<void> {
  if (!body.media) return;
  await enqueueChannelJob(trx, {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    conversationId: message.conversationId,
    messageId: message.id,
    kind: 'media',
    orderAt: message.messageAt,
    payload: { mediaId: body.media.id, sha256: body.media.sha256 },
  });
}

async function receiveMessage(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: ItemOf<'message'>, actor: Actor): Promise<void> {
  if (!(await firstTime(trx, channel, item.externalId))) return;
  const { personId, conversation } = await conversationFor(ctx, trx, channel, item.from, item.groupId, actor);
  const { conversation: current } = await applyTrigger(ctx, trx, conversation, 'inbound', { actor });
  const quoted = item.contextWamid ? await messageByWamid(trx, channel, item.contextWamid) : null;
  const { message } = await appendMessage(
    ctx,
    trx,
    current,
    {
      ...newMessageOf(item.body),
      direction: 'INBOUND',
      messageAt: item.timestamp,
      externalId: item.externalId,
      senderPersonId: personId,
      quotedMessageId: quoted?.id ?? null,
    },
    actor,
  );
  await queueMediaFetch(trx, channel, message, item.body);
}

/** The business answered from the WhatsApp Business app: stored once as an outbound message with no sender, never sent again. */
async function receiveEcho(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: ItemOf<'echo'>, actor: Actor): Promise<void> {
  if (!(await firstTime(trx, channel, item.externalId))) return;
  const { conversation } = await conversationFor(ctx, trx, channel, item.to, null, actor);
  const locked = (await lockConversation(ctx, trx, channel.workspaceId, conversation.id)) ?? conversation;
  const quoted = item.contextWamid ? await messageByWamid(trx, channel, item.contextWamid) : null;
  const body = newMessageOf(item.body);
  const { message } = await appendMessage(
    ctx,
    trx,
    locked,
    {
      ...body,
      direction: 'OUTBOUND',
      messageAt: item.timestamp,
      externalId: item.externalId,
      externalStatus: 'sent',
      quotedMessageId: quoted?.id ?? null,
      metadata: { ...body.metadata, echo: true },
    },
    actor,
  );
  await queueMediaFetch(trx, channel, message, item.body);
}

interface Reaction {
  personId: string;
  emoji: string;
  reactedAt: string;
}

/** Not a message: sets or clears the person's reaction on the message it targets. */
async function receiveReaction(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: ItemOf<'reaction'>, actor: Actor): Promise<void> {
  if (!(await firstTime(trx, channel, item.wamid))) return;
  const target = await messageByWamid(trx, channel, item.targetWamid);
  if (!target) return;
  const personId = await findOrCreatePerson(ctx, trx, channel.workspaceId, channel.inboxId, identityOf(item.from), actor);
  const reactions = ((target.metadata?.reactions as Reaction[] | undefined) ?? []).filter((r) => r.personId !== personId);
  if (item.emoji) reactions.push({ personId, emoji: item.emoji, reactedAt: new Date(item.timestamp).toISOString() });
  const metadata = { ...target.metadata, reactions };
  const now = Date.now();
  await trx
    .updateTable('messages')
    .set({ metadata: toJson(metadata), updated_at: now })
    .where('workspace_id', '=', channel.workspaceId)
    .where('id', '=', target.id)
    .execute();
  await emitMessageUpdated(ctx, trx, { ...target, metadata, updatedAt: now }, actor);
}

/** A changed number or user id updates the person (never a second one) and leaves a note in their conversation. */
async function receiveSystem(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: ItemOf<'system'>, actor: Actor): Promise<void> {
  if (!(await firstTime(trx, channel, item.wamid))) return;
  const { personId, conversation } = await conversationFor(ctx, trx, channel, item.from, null, actor);
  const change = item.change;
  if (change.type === 'user_changed_number' && change.newPhone) {
    const taken = await trx
      .selectFrom('people')
      .select('id')
      .where('workspace_id', '=', channel.workspaceId)
      .where('inbox_id', '=', channel.inboxId)
      .where('phone_number', '=', change.newPhone)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!taken) await learn(ctx, trx, channel.workspaceId, personId, { phone_number: change.newPhone }, actor);
  }
  if (change.type === 'user_changed_user_id' && change.newUserId) await learn(ctx, trx, channel.workspaceId, personId, { bsuid: change.newUserId }, actor);
  const locked = (await lockConversation(ctx, trx, channel.workspaceId, conversation.id)) ?? conversation;
  await appendMessage(
    ctx,
    trx,
    locked,
    { type: 'text', direction: 'INTERNAL', content: item.text, messageAt: item.timestamp, metadata: { system: change } },
    actor,
  );
}

const STATUS_OF = { sent: 'sent', delivered: 'delivered', read: 'read', played: 'played', failed: 'failed' } as const;

/**
 * Moves an outbound message forward; a status whose wamid is not known yet (it raced the send
 * response) waits in `waiting_statuses` until the sender stores that wamid. A status carrying a
 * message id in `biz_opaque_callback_data` reconciles a send whose outcome was unknown.
 */
async function receiveStatus(ctx: Ctx, trx: Tx, channel: RoutedChannel, item: ItemOf<'status'>, actor: Actor): Promise<void> {
  const status = STATUS_OF[item.status];
  const error = item.errors[0];
  const errorMessage = status === 'failed' ? (error ? `${error.code ?? 'error'}: ${error.message ?? error.title}` : 'failed') : null;
  // The message row is locked: two statuses of one message, or a status and the send's answer, apply one after the other.
  let message: Message | null = null;
  let externalId: string | undefined;
  if (item.bizOpaqueCallbackData) {
    const own = await lockedMessage(ctx, trx, channel, item.bizOpaqueCallbackData);
    if (own?.direction === 'OUTBOUND' && (own.externalId === null || own.externalId === item.wamid)) {
      message = own;
      if (own.externalId === null) externalId = item.wamid;
    }
  }
  if (!message) {
    const byWamid = await messageByWamid(trx, channel, item.wamid);
    // Statuses are about what the business sent; an inbound wamid named here changes nothing.
    if (byWamid && byWamid.direction !== 'OUTBOUND') return;
    message = byWamid && (await lockedMessage(ctx, trx, channel, byWamid.id));
  }
  if (!message) {
    await trx
      .insertInto('waiting_statuses')
      .values({
        workspace_id: channel.workspaceId,
        channel_id: channel.id,
        external_id: item.wamid,
        status,
        error_message: errorMessage,
        received_at: Date.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return;
  }
  // A send whose outcome was unknown is reconciled by what Meta says happened.
  const known = message.errorMessage === SEND_OUTCOME_UNKNOWN ? { ...message, externalStatus: 'pending' as const } : message;
  await applyStatus(ctx, trx, known, status, errorMessage, actor, externalId ? { externalId } : {});
}

export async function recordChannelError(trx: Tx, channel: RoutedChannel, error: string): Promise<void> {
  await trx
    .updateTable('channels')
    .set({ last_error: error.slice(0, 1000), last_error_at: Date.now() })
    .where('workspace_id', '=', channel.workspaceId)
    .where('id', '=', channel.id)
    .execute();
}
