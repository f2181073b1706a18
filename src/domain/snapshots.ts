import type { Tx } from '../db/repos/tx.ts';
import type { Conversation } from './model.ts';
import { prepared } from '../db/prepared.ts';
import { ACTIVE_STATE } from '../db/literals.ts';

/** The conversation as events carry it: the row plus the names a webhook formatter needs. */
export interface ConversationSnapshot extends Conversation {
  inbox: { id: string; name: string };
  person: { id: string; name: string | null; phoneNumber: string | null; referenceId: string | null; createdAt: number } | null;
  group: { id: string; name: string; externalId: string | null } | null;
  assignee: { id: string; name: string } | null;
  bot: { id: string; name: string; type: string } | null;
  /** The active support session while the conversation is WAITING or ACTIVE (Jelou's conversation id), else null. */
  supportSessionId: string | null;
  /** The channel's kind: a presenter tells from it whether the conversation has a customer-service window. */
  channelKind: string | null;
}

type SnapshotParams = {
  ws: string;
  inboxId: string;
  channelId: string;
  personId: string;
  groupId: string;
  userId: string;
  botId: string;
  sessionConversationId: string;
};

const snapshotRow = prepared<SnapshotParams, SnapshotRow>((db, p) =>
  db
    .selectFrom('inboxes as i')
    .leftJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').on('p.id', '=', p('personId')))
    .leftJoin('groups as g', (j) => j.onRef('g.workspace_id', '=', 'i.workspace_id').on('g.id', '=', p('groupId')))
    .leftJoin('users as u', (j) => j.onRef('u.workspace_id', '=', 'i.workspace_id').on('u.id', '=', p('userId')))
    .leftJoin('channels as ch', (j) => j.onRef('ch.workspace_id', '=', 'i.workspace_id').on('ch.id', '=', p('channelId')))
    .leftJoin('bots as b', (j) => j.onRef('b.workspace_id', '=', 'i.workspace_id').on('b.id', '=', p('botId')))
    .leftJoin('support_sessions as s', (j) =>
      j.onRef('s.workspace_id', '=', 'i.workspace_id').on('s.conversation_id', '=', p('sessionConversationId')).on('s.state', '=', ACTIVE_STATE),
    )
    .select([
      'i.name as inbox_name',
      'p.id as person_id',
      'p.name as person_name',
      'p.phone_number as person_phone',
      'p.reference_id as person_reference',
      'p.created_at as person_created_at',
      'g.id as group_id',
      'g.name as group_name',
      'g.external_id as group_external_id',
      'u.id as user_id',
      'u.name as user_name',
      'b.id as bot_id',
      'b.name as bot_name',
      'b.type as bot_type',
      's.id as session_id',
      'ch.kind as channel_kind',
    ])
    .where('i.workspace_id', '=', p('ws'))
    .where('i.id', '=', p('inboxId')),
);

interface SnapshotRow {
  inbox_name: string;
  person_id: string | null;
  person_name: string | null;
  person_phone: string | null;
  person_reference: string | null;
  person_created_at: number | null;
  group_id: string | null;
  group_name: string | null;
  group_external_id: string | null;
  user_id: string | null;
  user_name: string | null;
  bot_id: string | null;
  bot_name: string | null;
  bot_type: string | null;
  session_id: string | null;
  channel_kind: string | null;
}

/** What a snapshot adds to the conversation row: the names of what it refers to. */
export type SnapshotNames = Omit<ConversationSnapshot, keyof Conversation>;

/** Everything a snapshot names, in one query: events are on every write path, so this is hot. Absent ids match nothing (''). */
export async function conversationSnapshot(trx: Tx, c: Conversation): Promise<ConversationSnapshot> {
  const inHumanSupport = c.status === 'WAITING' || c.status === 'ACTIVE';
  const {
    rows: [row],
  } = await snapshotRow(trx, {
    ws: c.workspaceId,
    inboxId: c.inboxId,
    channelId: c.channelId,
    personId: c.personId ?? '',
    groupId: c.groupId ?? '',
    userId: c.assigneeUserId ?? '',
    botId: c.botId ?? '',
    sessionConversationId: inHumanSupport ? c.id : '',
  });
  return {
    ...c,
    inbox: { id: c.inboxId, name: row?.inbox_name ?? '' },
    person: row?.person_id
      ? { id: row.person_id, name: row.person_name, phoneNumber: row.person_phone, referenceId: row.person_reference, createdAt: row.person_created_at! }
      : null,
    group: row?.group_id ? { id: row.group_id, name: row.group_name!, externalId: row.group_external_id } : null,
    assignee: row?.user_id ? { id: row.user_id, name: row.user_name! } : null,
    bot: row?.bot_id ? { id: row.bot_id, name: row.bot_name!, type: row.bot_type! } : null,
    supportSessionId: row?.session_id ?? null,
    channelKind: row?.channel_kind ?? null,
  };
}

/** What a snapshot names, to build the next snapshot of the same conversation with snapshotWith. */
export function namesOf(s: ConversationSnapshot): SnapshotNames {
  return {
    inbox: s.inbox,
    person: s.person,
    group: s.group,
    assignee: s.assignee,
    bot: s.bot,
    supportSessionId: s.supportSessionId,
    channelKind: s.channelKind,
  };
}

/** The snapshot of a changed conversation whose names are already known (read with it, and unchanged since). */
export function snapshotWith(c: Conversation, names: SnapshotNames): ConversationSnapshot {
  return { ...c, ...names };
}
