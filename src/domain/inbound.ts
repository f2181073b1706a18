import { sql } from 'kysely';
import type { Ctx, Actor } from './context.ts';
import type { MessageType } from './model.ts';
import { MEDIA_TYPES } from './model.ts';
import { DomainError, invalid, notFound } from './errors.ts';
import { newId } from './ids.ts';
import { normalisePhone, searchKey } from './text.ts';
import { emitEvent, primeSubscriptions } from '../events/outbox.ts';
import { type ChannelFacts, type CreatedPerson, findOrCreateConversation } from './conversations.ts';
import { applyTrigger } from './conversation-transitions.ts';
import { appendMessage, type NewMessage } from './messages.ts';
import { findMessageByKey } from '../db/repos/messages.ts';
import { conversationFromRow, personFromRow } from '../db/rows.ts';
import { personTagIds } from '../db/repos/resources.ts';
import { activeSubscriptionsOfChannel, findKnownSender } from '../db/repos/known-sender.ts';
import { isHumanSupport } from './state-machine.ts';
import type { SnapshotNames } from './snapshots.ts';
import { eventPerson } from './resources/people.ts';
import type { Tx } from '../db/repos/tx.ts';
import { prepared } from '../db/prepared.ts';

export interface InboundMessage {
  workspaceId: string;
  channelId: string;
  from: { phone: string; name?: string | null };
  group?: { externalId: string; name?: string | null } | null;
  message: {
    externalId?: string | null;
    type: MessageType;
    text?: string | null;
    mediaUrl?: string | null;
    mimeType?: string | null;
    fileName?: string | null;
    caption?: string | null;
    quotedExternalId?: string | null;
    timestamp?: number | null;
    contactName?: string | null;
    contactPhone?: string | null;
  };
}

export interface InboundResult {
  personId: string;
  conversationId: string;
  messageId: string;
  duplicate: boolean;
}

/** Everything below reads and writes only through its transaction: SQLite may run it again (TransactOptions). */
const REPEATABLE = { repeatable: true } as const;

/** A message from an end user arrives from a channel (spec §2, native-api "The sandbox channel"). */
export async function receiveInbound(ctx: Ctx, input: InboundMessage): Promise<InboundResult> {
  const phone = normalisePhone(input.from.phone);
  if (!phone) throw invalid('from.phone must have 8 to 15 digits', 'invalid_phone', 'from.phone');
  const m = input.message;
  if (m.type === 'text' && !m.text) throw invalid('message.text is required for text messages', 'validation_failed', 'message.text');
  if (MEDIA_TYPES.includes(m.type) && !m.mediaUrl)
    throw invalid(`message.mediaUrl is required for ${m.type} messages`, 'validation_failed', 'message.mediaUrl');

  return ctx.transact(async (trx) => {
    const ws = input.workspaceId;
    const known = input.group || m.quotedExternalId ? null : await receiveFromKnownSender(ctx, trx, input, phone);
    if (known) return known;
    // Shared lock: a concurrent channel delete waits until this message (and its conversation) commits.
    const {
      rows: [channel],
    } = await liveChannelForShare(trx, { ws, id: input.channelId });
    if (!channel) throw notFound('channel', input.channelId);
    if (channel.subscriptions !== null) primeSubscriptions(trx, ws, JSON.parse(channel.subscriptions));
    const actor: Actor = { type: 'channel', id: channel.id };

    const person = await findOrCreatePersonNoting(ctx, trx, ws, channel.inbox_id, { phones: [phone], bsuid: null, name: input.from.name ?? null }, actor);
    const personId = person.id;
    let groupId: string | null = null;
    if (input.group) groupId = await findOrCreateGroup(trx, ws, channel.inbox_id, channel.id, input.group.externalId, input.group.name ?? null, personId);

    const { conversation, created, names } = await findOrCreateConversation(
      ctx,
      trx,
      {
        workspaceId: ws,
        inboxId: channel.inbox_id,
        channelId: channel.id,
        personId: groupId ? null : personId,
        groupId,
        status: 'ROBOT_INTERACTIVE',
        followChannel: true,
        channel: channelFacts(channel),
        createdPerson: groupId ? null : person.created,
      },
      actor,
    );

    // A conversation this transaction created has no message to repeat or quote.
    if (m.externalId && !created) {
      const existing = await findMessageByKey(trx, ws, conversation.id, 'external_id', m.externalId);
      if (existing) return { personId, conversationId: conversation.id, messageId: existing.id, duplicate: true };
    }
    const { conversation: current } = await applyTrigger(ctx, trx, conversation, 'inbound', { actor });

    const quoted = m.quotedExternalId && !created ? await findMessageByKey(trx, ws, conversation.id, 'external_id', m.quotedExternalId) : null;
    // The names conversation.created carried still hold unless the trigger changed what they name.
    const unchanged = current.status === conversation.status && current.assigneeUserId === conversation.assigneeUserId && current.botId === conversation.botId;
    const { message, duplicate } = await appendMessage(
      ctx,
      trx,
      current,
      inboundMessage(m, personId, quoted?.id ?? null),
      actor,
      names && unchanged ? names : undefined,
    );
    return { personId, conversationId: conversation.id, messageId: message.id, duplicate };
  }, REPEATABLE);
}

/**
 * The common case in one read: a phone already known, writing to its conversation on the channel
 * it last used, which the message does not move (spec §2: `inbound` stays). Anything else (a new
 * phone or conversation, a name to learn, a channel change, a reopening, a quote, a group) is
 * left to the general path; null says so.
 */
async function receiveFromKnownSender(ctx: Ctx, trx: Tx, input: InboundMessage, phone: string): Promise<InboundResult | null> {
  const row = await findKnownSender(trx, input.workspaceId, input.channelId, phone);
  if (!row || row.channel_id !== input.channelId || row.status === 'INACTIVE' || (!row.person_name && input.from.name)) return null;
  const conversation = conversationFromRow(row, row.tag_ids ? row.tag_ids.split(',').sort() : []);
  if (row.subscriptions !== null) primeSubscriptions(trx, input.workspaceId, JSON.parse(row.subscriptions));
  const inHumanSupport = isHumanSupport(conversation.status);
  // Names read before a change that committed while this waited for the lock would be stale: the snapshot is read again then.
  const current =
    (row.seen_updated_at === null || row.seen_updated_at === row.updated_at) &&
    row.user_id === row.assignee_user_id &&
    row.joined_bot_id === row.bot_id &&
    (!inHumanSupport || row.session_id !== null);
  const names: SnapshotNames | undefined = current
    ? {
        inbox: { id: row.inbox_id, name: row.inbox_name },
        person: {
          id: row.person_id!,
          name: row.person_name,
          phoneNumber: row.person_phone,
          referenceId: row.person_reference,
          createdAt: row.person_created_at,
        },
        group: null,
        assignee: row.user_id ? { id: row.user_id, name: row.user_name! } : null,
        bot: row.joined_bot_id ? { id: row.joined_bot_id, name: row.bot_name!, type: row.bot_type! } : null,
        supportSessionId: inHumanSupport ? row.session_id : null,
        channelKind: row.channel_kind,
      }
    : undefined;
  const { message, duplicate } = await appendMessage(
    ctx,
    trx,
    conversation,
    inboundMessage(input.message, row.person_id!, null),
    { type: 'channel', id: input.channelId },
    names,
  );
  return { personId: row.person_id!, conversationId: conversation.id, messageId: message.id, duplicate };
}

/** The message as the channel delivered it. */
function inboundMessage(m: InboundMessage['message'], senderPersonId: string, quotedMessageId: string | null): NewMessage {
  const isMedia = MEDIA_TYPES.includes(m.type);
  return {
    type: m.type,
    direction: 'INBOUND',
    content: isMedia ? m.mediaUrl! : (m.text ?? m.caption ?? null),
    media: isMedia ? { url: m.mediaUrl!, mimeType: m.mimeType ?? null, fileName: m.fileName ?? null, caption: m.caption ?? null, size: null } : null,
    messageAt: m.timestamp ?? undefined,
    externalId: m.externalId ?? null,
    senderPersonId,
    contact: m.type === 'contact' ? { name: m.contactName ?? null, phoneNumber: m.contactPhone ?? null } : null,
    quotedMessageId,
  };
}

interface LiveChannelRow {
  id: string;
  inbox_id: string;
  kind: string;
  inbox_name: string;
  bot_id: string | null;
  bot_name: string | null;
  bot_type: string | null;
  subscriptions: string | null;
}

/**
 * A live channel, kept from deletion until commit, with what a first conversation on it needs
 * (its inbox's name, its default bot: the first live one by id) and, on PostgreSQL, the
 * subscriptions: a new phone's conversation is then written without reading them again.
 */
const liveChannelForShare = prepared<{ ws: string; id: string }, LiveChannelRow>((db, p, quirks) => {
  const defaultBotId = sql<string>`(select d.id from bots d
    where d.workspace_id = ch.workspace_id and d.channel_id = ch.id and d.deleted_at is null order by d.id limit 1)`;
  const q = db
    .selectFrom('channels as ch')
    .innerJoin('inboxes as i', (j) => j.onRef('i.workspace_id', '=', 'ch.workspace_id').onRef('i.id', '=', 'ch.inbox_id'))
    .leftJoin('bots as b', (j) => j.onRef('b.workspace_id', '=', 'ch.workspace_id').on('b.id', '=', defaultBotId))
    .select(['ch.id', 'ch.inbox_id', 'ch.kind', 'i.name as inbox_name', 'b.id as bot_id', 'b.name as bot_name', 'b.type as bot_type'])
    .select(activeSubscriptionsOfChannel(quirks).as('subscriptions'))
    .where('ch.workspace_id', '=', p('ws'))
    .where('ch.id', '=', p('id'))
    .where('ch.deleted_at', 'is', null);
  // Only the channel is locked: an inbox or bot being edited does not wait for inbound messages.
  return quirks.rowLocksWait ? q.forShare('ch') : q;
});

/** What the conversation's first snapshot names, as the channel read brought it. */
function channelFacts(channel: LiveChannelRow): ChannelFacts {
  return {
    kind: channel.kind,
    inboxName: channel.inbox_name,
    defaultBot: channel.bot_id ? { id: channel.bot_id, name: channel.bot_name!, type: channel.bot_type! } : null,
  };
}

type PersonKeys = { id: string; name: string | null; bsuid: string | null; phone_number: string | null };
const personByPhone = prepared<{ ws: string; inboxId: string; phone: string }, PersonKeys>((db, p) =>
  db
    .selectFrom('people')
    .select(['id', 'name', 'bsuid', 'phone_number'])
    .where('workspace_id', '=', p('ws'))
    .where('inbox_id', '=', p('inboxId'))
    .where('phone_number', '=', p('phone'))
    .where('deleted_at', 'is', null),
);
const personByBsuid = prepared<{ ws: string; inboxId: string; bsuid: string }, PersonKeys>((db, p) =>
  db
    .selectFrom('people')
    .select(['id', 'name', 'bsuid', 'phone_number'])
    .where('workspace_id', '=', p('ws'))
    .where('inbox_id', '=', p('inboxId'))
    .where('bsuid', '=', p('bsuid'))
    .where('deleted_at', 'is', null),
);

/** Who writes: a phone number in any of its equivalent forms (first the canonical one), a network user id (BSUID), a profile name. */
export interface InboundIdentity {
  phones: string[];
  bsuid: string | null;
  name: string | null;
}

/**
 * The person behind an inbound message, matched by network user id first, then by any form of the
 * phone number, else created (whatsapp-channel.md §2.4). What the match lacked (a name, the BSUID,
 * the phone) is learnt.
 */
export async function findOrCreatePerson(ctx: Ctx, trx: Tx, ws: string, inboxId: string, who: InboundIdentity, actor: Actor): Promise<string> {
  return (await findOrCreatePersonNoting(ctx, trx, ws, inboxId, who, actor)).id;
}

/** findOrCreatePerson, also telling whether it created the person (and with what), so the caller can skip looking for their conversation. */
export async function findOrCreatePersonNoting(
  ctx: Ctx,
  trx: Tx,
  ws: string,
  inboxId: string,
  who: InboundIdentity,
  actor: Actor,
): Promise<{ id: string; created: CreatedPerson | null }> {
  const phone = who.phones[0] ?? null;
  const find = async () => {
    if (who.bsuid) {
      const byUser = (await personByBsuid(trx, { ws, inboxId, bsuid: who.bsuid })).rows[0];
      if (byUser) return byUser;
    }
    for (const candidate of who.phones) {
      const byPhone = (await personByPhone(trx, { ws, inboxId, phone: candidate })).rows[0];
      if (byPhone) return byPhone;
    }
    return undefined;
  };
  const existing = await find();
  if (existing) {
    const learnt: { name?: string; bsuid?: string; phone_number?: string } = {};
    if (!existing.name && who.name) learnt.name = who.name;
    if (who.bsuid && !existing.bsuid) learnt.bsuid = who.bsuid;
    if (phone && !existing.phone_number && !(await personByPhone(trx, { ws, inboxId, phone })).rows[0]) learnt.phone_number = phone;
    if (Object.keys(learnt).length > 0) await learn(ctx, trx, ws, existing.id, learnt, actor);
    return { id: existing.id, created: null };
  }
  const now = Date.now();
  const row = {
    workspace_id: ws,
    id: newId(),
    inbox_id: inboxId,
    name: who.name,
    phone_number: phone,
    email: null,
    image_url: null,
    document: null,
    description: null,
    country: null,
    city: null,
    is_blocked: 0,
    reference_id: null,
    search_text: searchKey(who.name, phone),
    created_at: now,
    updated_at: now,
    deleted_at: null,
    bsuid: who.bsuid,
  };
  const result = await trx
    .insertInto('people')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const raced = await find();
    if (raced) return { id: raced.id, created: null };
    throw new DomainError('conflict', 'Could not create the person', 'conflict');
  }
  await emitEvent(ctx, trx, ws, 'contact.created', null, { person: { ...personFromRow(row, []), tags: [] }, actor });
  return { id: row.id, created: { name: row.name, phone_number: row.phone_number, created_at: row.created_at } };
}

/** The channel tells us the name of a person we knew only by phone: person, their conversations' search and a contact.updated. */
/** Updates what a person's messages taught (name, BSUID, phone, a changed number) and says so with `contact.updated`. */
export async function learn(
  ctx: Ctx,
  trx: Tx,
  ws: string,
  personId: string,
  learnt: { name?: string; bsuid?: string | null; phone_number?: string | null },
  actor: Actor,
): Promise<void> {
  const now = Date.now();
  const current = await trx
    .selectFrom('people')
    .select(['name', 'phone_number'])
    .where('workspace_id', '=', ws)
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const search = searchKey(learnt.name ?? current.name, learnt.phone_number !== undefined ? learnt.phone_number : current.phone_number);
  await trx
    .updateTable('people')
    .set({ ...learnt, search_text: search, updated_at: now })
    .where('workspace_id', '=', ws)
    .where('id', '=', personId)
    .execute();
  await trx.updateTable('conversations').set({ search_text: search }).where('workspace_id', '=', ws).where('person_id', '=', personId).execute();
  const row = await trx.selectFrom('people').selectAll().where('workspace_id', '=', ws).where('id', '=', personId).executeTakeFirstOrThrow();
  const tagIds = (await personTagIds(trx, ws, [personId])).get(personId) ?? [];
  await emitEvent(ctx, trx, ws, 'contact.updated', null, {
    person: await eventPerson(trx, personFromRow(row, tagIds)),
    actor,
  });
}

export async function findOrCreateGroup(
  trx: Tx,
  ws: string,
  inboxId: string,
  channelId: string,
  externalId: string,
  name: string | null,
  memberId: string,
): Promise<string> {
  const find = () =>
    trx
      .selectFrom('groups')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('inbox_id', '=', inboxId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
  let group = await find();
  const now = Date.now();
  if (!group) {
    const id = newId();
    await trx
      .insertInto('groups')
      .values({
        workspace_id: ws,
        id,
        inbox_id: inboxId,
        channel_id: channelId,
        name: name ?? externalId,
        external_id: externalId,
        image_url: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    group = await find();
  }
  const groupId = group!.id;
  await trx
    .insertInto('group_members')
    .values({ workspace_id: ws, group_id: groupId, person_id: memberId, is_member: 1, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'group_id', 'person_id']).doUpdateSet({ is_member: 1, updated_at: now }))
    .execute();
  return groupId;
}
