import type { Ctx, Actor } from './context.ts';
import type { Conversation, ConversationStatus, Priority } from './model.ts';
import { newId } from './ids.ts';
import { notFound } from './errors.ts';
import { searchKey } from './text.ts';
import { emitEvent } from '../events/outbox.ts';
import { type ConversationSnapshot, conversationSnapshot, namesOf, snapshotWith, type SnapshotNames } from './snapshots.ts';
import { conversationTagIds, findConversation } from '../db/repos/conversations.ts';
import type { Tx } from '../db/repos/tx.ts';
import { conversationFromRow } from '../db/rows.ts';
import { prepared } from '../db/prepared.ts';
import type { Selectable } from 'kysely';
import type { ConversationTable } from '../db/schema.ts';

/** A person this transaction created: no conversation can name them yet, and their name and phone are known. */
export interface CreatedPerson {
  name: string | null;
  phone_number: string | null;
  created_at: number;
}

/** The channel as the caller read it, with what a new conversation's snapshot names from it. */
export interface ChannelFacts {
  kind: string;
  inboxName: string;
  /** The channel's first live bot by id, which a new conversation joins. */
  defaultBot: { id: string; name: string; type: string } | null;
}

export interface ConversationTarget {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  personId?: string | null;
  groupId?: string | null;
  priority?: Priority;
  status: ConversationStatus;
  /**
   * The person wrote on `channelId`: an existing conversation of theirs on another channel of the
   * inbox moves to it, so replies leave on the channel the person last used (one history per person).
   */
  followChannel?: boolean;
  /** What the caller read of `channelId` already: not read again here. */
  channel?: ChannelFacts;
  /** The person was created by this transaction (findOrCreatePersonNoting): they have no conversation to look for, and their name and phone are these. */
  createdPerson?: CreatedPerson | null;
}

/**
 * The one conversation per (inbox, person) or (inbox, group): returned locked when it exists,
 * created (emitting `conversation.created`) when it does not. Safe under concurrent callers.
 */
export async function findOrCreateConversation(
  ctx: Ctx,
  trx: Tx,
  target: ConversationTarget,
  actor: Actor,
): Promise<{ conversation: Conversation; created: boolean; names?: SnapshotNames }> {
  const existing = target.createdPerson ? null : await lockByParticipant(ctx, trx, target);
  if (existing && target.followChannel && existing.channelId !== target.channelId) {
    await trx
      .updateTable('conversations')
      .set({ channel_id: target.channelId, updated_at: Date.now() })
      .where('workspace_id', '=', target.workspaceId)
      .where('id', '=', existing.id)
      .execute();
    return { conversation: { ...existing, channelId: target.channelId }, created: false };
  }
  if (existing) return { conversation: existing, created: false };

  const now = Date.now();
  const bot =
    target.channel !== undefined
      ? target.channel.defaultBot
      : await trx
          .selectFrom('bots')
          .select('id')
          .where('workspace_id', '=', target.workspaceId)
          .where('channel_id', '=', target.channelId)
          .where('deleted_at', 'is', null)
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
  const [person, group] = await Promise.all([
    target.personId
      ? (target.createdPerson ??
        trx
          .selectFrom('people')
          .select(['name', 'phone_number'])
          .where('workspace_id', '=', target.workspaceId)
          .where('id', '=', target.personId)
          .executeTakeFirst())
      : undefined,
    target.groupId
      ? trx.selectFrom('groups').select(['name']).where('workspace_id', '=', target.workspaceId).where('id', '=', target.groupId).executeTakeFirst()
      : undefined,
  ]);
  const row = {
    workspace_id: target.workspaceId,
    id: newId(),
    inbox_id: target.inboxId,
    channel_id: target.channelId,
    bot_id: bot?.id ?? null,
    person_id: target.personId ?? null,
    group_id: target.groupId ?? null,
    is_group: target.groupId ? 1 : 0,
    status: target.status,
    priority: target.priority ?? 'LOW',
    assignee_user_id: null,
    role_id: null,
    agent_id: null,
    is_fixed: 0,
    is_archived: 0,
    is_private: 0,
    unread_count: 0,
    last_message_id: null,
    last_message_at: null,
    last_activity_at: now,
    last_inbound_at: null,
    read_receipt_message_id: null,
    metadata: null,
    search_text: searchKey(person?.name, person?.phone_number, group?.name),
    created_at: now,
    updated_at: now,
  };
  const result = await trx
    .insertInto('conversations')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const raced = await lockByParticipant(ctx, trx, target);
    if (raced) return { conversation: raced, created: false };
  }
  const conversation = conversationFromRow(row, []);
  const snapshot = knownSnapshotOfNew(conversation, target) ?? (await conversationSnapshot(trx, conversation));
  await emitEvent(ctx, trx, target.workspaceId, 'conversation.created', conversation.id, { conversation: snapshot, actor });
  return { conversation, created: true, names: namesOf(snapshot) };
}

/** A new conversation's snapshot from what the caller read, when that is all it names: a person created with it, and the channel. */
function knownSnapshotOfNew(conversation: Conversation, target: ConversationTarget): ConversationSnapshot | null {
  const { channel, createdPerson } = target;
  if (!channel || !createdPerson || !target.personId || target.groupId) return null;
  return snapshotWith(conversation, {
    inbox: { id: target.inboxId, name: channel.inboxName },
    person: { id: target.personId, name: createdPerson.name, phoneNumber: createdPerson.phone_number, referenceId: null, createdAt: createdPerson.created_at },
    group: null,
    assignee: null,
    bot: channel.defaultBot,
    supportSessionId: null,
    channelKind: channel.kind,
  });
}

// By person or by group, each with a row lock where the engine has them: two shapes, prepared once each per engine.
const participantQueries = [false, true].map((group) =>
  prepared<{ ws: string; inboxId: string; participantId: string }, Selectable<ConversationTable>>((db, p, quirks) =>
    quirks.forUpdate(
      db
        .selectFrom('conversations')
        .selectAll()
        .where('workspace_id', '=', p('ws'))
        .where('inbox_id', '=', p('inboxId'))
        .where(group ? 'group_id' : 'person_id', '=', p('participantId')),
    ),
  ),
);

async function lockByParticipant(_ctx: Ctx, trx: Tx, target: ConversationTarget): Promise<Conversation | null> {
  const query = participantQueries[target.groupId ? 1 : 0]!;
  const {
    rows: [row],
  } = await query(trx, { ws: target.workspaceId, inboxId: target.inboxId, participantId: target.groupId ?? target.personId ?? '' });
  return row ? conversationFromRow(row, await conversationTagIds(trx, target.workspaceId, row.id)) : null;
}

/** Reads a conversation of this workspace with a row lock, for a change in this transaction. */
export async function lockConversation(_ctx: Ctx, trx: Tx, workspaceId: string, id: string): Promise<Conversation | null> {
  return findConversation(trx, workspaceId, id, true);
}

/**
 * JuriChat's create-or-reuse: the person's conversation in the inbox, created on the given channel
 * when there is none. A conversation opened by the business with no message yet is INACTIVE.
 */
export async function openConversationWithPerson(
  ctx: Ctx,
  input: { workspaceId: string; personId: string; inboxId: string; channelId: string; priority?: Priority },
  actor: Actor,
): Promise<{ conversation: Conversation; created: boolean; person: { id: string; name: string | null } }> {
  const ws = input.workspaceId;
  return ctx.transact(async (trx) => {
    const person = await trx
      .selectFrom('people')
      .select(['id', 'name', 'inbox_id'])
      .where('workspace_id', '=', ws)
      .where('id', '=', input.personId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!person) throw notFound('person', input.personId);
    const inbox = await trx
      .selectFrom('inboxes')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('id', '=', input.inboxId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!inbox) throw notFound('inbox', input.inboxId);
    const channel = await trx
      .selectFrom('channels')
      .select(['id', 'inbox_id'])
      .where('workspace_id', '=', ws)
      .where('id', '=', input.channelId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!channel) throw notFound('integration', input.channelId);
    if (person.inbox_id !== input.inboxId) throw notFound('person', input.personId);
    if (channel.inbox_id !== input.inboxId) throw notFound('integration', input.channelId);
    const { conversation, created } = await findOrCreateConversation(
      ctx,
      trx,
      {
        workspaceId: ws,
        inboxId: input.inboxId,
        channelId: input.channelId,
        personId: input.personId,
        priority: input.priority,
        status: 'INACTIVE',
      },
      actor,
    );
    return { conversation, created, person: { id: person.id, name: person.name } };
  });
}
