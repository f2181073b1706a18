import { sql, type Selectable } from 'kysely';
import type { ConversationTable } from '../schema.ts';
import type { Tx } from './tx.ts';
import { prepared } from '../prepared.ts';
import { ACTIVE_STATE } from '../literals.ts';
import type { EngineQuirks } from '../engine-quirks.ts';

/** A phone's person and conversation on a live channel, with what the conversation's snapshot names, from one statement. */
export interface KnownSenderRow extends Selectable<ConversationTable> {
  channel_kind: string;
  person_name: string | null;
  person_bsuid: string | null;
  person_phone: string | null;
  person_reference: string | null;
  person_created_at: number;
  inbox_name: string;
  user_id: string | null;
  user_name: string | null;
  joined_bot_id: string | null;
  bot_name: string | null;
  bot_type: string | null;
  session_id: string | null;
  /** Comma-separated, in no particular order. */
  tag_ids: string | null;
  /**
   * PostgreSQL: the conversation's `updated_at` in the statement's snapshot. The locked row is the
   * newest version; when the two differ, a change committed while this statement waited for the
   * lock, and the joined names may predate it.
   */
  seen_updated_at: number | null;
  /** PostgreSQL: the workspace's active webhook subscriptions as a JSON array of rows, saving emitEvent a round trip; SQLite: null. */
  subscriptions: string | null;
}

/**
 * PostgreSQL: the active webhook subscriptions of the workspace of channel `ch`, as a JSON array
 * of rows for primeSubscriptions, read in a statement the inbound path runs anyway (emitEvent
 * would read them next, a round trip of its own). SQLite: null, a statement costs no round trip.
 */
export function activeSubscriptionsOfChannel(quirks: EngineQuirks) {
  return quirks.roundTrips
    ? sql<string | null>`(select coalesce(json_agg(s), '[]')::text from webhook_subscriptions s
        where s.workspace_id = ch.workspace_id and s.is_active = 1 and s.deleted_at is null)`
    : sql<string | null>`null`;
}

/**
 * The inbound path's first statement for a phone already known in the channel's inbox: the
 * channel (kept from deletion), the person, their conversation (locked for this transaction on
 * PostgreSQL) and the names its events carry. No row: the channel is gone, or the phone or its
 * conversation is new, and the general path takes over.
 */
export const knownSender = prepared<{ ws: string; channelId: string; phone: string }, KnownSenderRow>((db, p, quirks) => {
  const tagIds = sql<
    string | null
  >`(select ${quirks.commaList(sql.ref('t.tag_id'))} from conversation_tags t where t.workspace_id = c.workspace_id and t.conversation_id = c.id)`;
  const seenUpdatedAt = quirks.rowLocksWait
    ? sql<number | null>`(select c2.updated_at from conversations c2 where c2.workspace_id = c.workspace_id and c2.id = c.id)`
    : sql<number | null>`null`;
  const query = db
    .selectFrom('channels as ch')
    .innerJoin('people as p', (j) =>
      j
        .onRef('p.workspace_id', '=', 'ch.workspace_id')
        .onRef('p.inbox_id', '=', 'ch.inbox_id')
        .on('p.phone_number', '=', p('phone'))
        .on('p.deleted_at', 'is', null),
    )
    .innerJoin('conversations as c', (j) =>
      j.onRef('c.workspace_id', '=', 'ch.workspace_id').onRef('c.inbox_id', '=', 'ch.inbox_id').onRef('c.person_id', '=', 'p.id'),
    )
    .innerJoin('inboxes as i', (j) => j.onRef('i.workspace_id', '=', 'ch.workspace_id').onRef('i.id', '=', 'ch.inbox_id'))
    .leftJoin('users as u', (j) => j.onRef('u.workspace_id', '=', 'c.workspace_id').onRef('u.id', '=', 'c.assignee_user_id'))
    .leftJoin('bots as b', (j) => j.onRef('b.workspace_id', '=', 'c.workspace_id').onRef('b.id', '=', 'c.bot_id'))
    .leftJoin('support_sessions as s', (j) =>
      j.onRef('s.workspace_id', '=', 'c.workspace_id').onRef('s.conversation_id', '=', 'c.id').on('s.state', '=', ACTIVE_STATE),
    )
    .selectAll('c')
    .select([
      'ch.kind as channel_kind',
      'p.name as person_name',
      'p.bsuid as person_bsuid',
      'p.phone_number as person_phone',
      'p.reference_id as person_reference',
      'p.created_at as person_created_at',
      'i.name as inbox_name',
      'u.id as user_id',
      'u.name as user_name',
      'b.id as joined_bot_id',
      'b.name as bot_name',
      'b.type as bot_type',
      's.id as session_id',
      tagIds.as('tag_ids'),
      seenUpdatedAt.as('seen_updated_at'),
      activeSubscriptionsOfChannel(quirks).as('subscriptions'),
    ])
    .where('ch.workspace_id', '=', p('ws'))
    .where('ch.id', '=', p('channelId'))
    // No LIMIT: one person per phone, one conversation per person, one active session; and a bound
    // LIMIT made SQLite take four times as long over the same plan.
    .where('ch.deleted_at', 'is', null);
  // The channel is kept from a concurrent delete, the conversation from concurrent changes, until commit.
  return quirks.rowLocksWait ? query.forShare('ch').forUpdate('c') : query;
});

export async function findKnownSender(trx: Tx, ws: string, channelId: string, phone: string): Promise<KnownSenderRow | undefined> {
  return (await knownSender(trx, { ws, channelId, phone })).rows[0];
}
