import { sql, type Insertable } from 'kysely';
import { quirksOfExecutor } from '../engine-quirks.ts';
import type { MessageTable } from '../schema.ts';
import type { Tx } from './tx.ts';
import { prepared } from '../prepared.ts';
import { markDeliveriesWritten } from '../outbox-signal.ts';
import {
  DELIVERY_INSERT_COLUMNS,
  type DeliveryArrays,
  deliveryArrays,
  deliveryRowsFromArrays,
  type EventWrite,
  insertEventWithDeliveries,
  type NewEvent,
} from './outbox-writes.ts';

export type MessageRow = Required<Insertable<MessageTable>>;

/** The conversation's counters after a message: its newest message, activity and unread count. */
export type Activity = {
  last_message_id: string | null;
  last_message_at: number | null;
  last_activity_at: number;
  unread_count: number;
  /** Inbound messages only: the window opens at the person's message, kept if an earlier one was later. */
  last_inbound_at: number;
  workspace_id: string;
  id: string;
};

/**
 * Stores a message and advances its conversation's counters; false (nothing written) when a
 * message with the same external or client id is already stored. PostgreSQL does both in one
 * statement, a round trip less on every message.
 */
export async function insertMessageWithActivity(trx: Tx, row: MessageRow, inbound: boolean, activity: Activity): Promise<boolean> {
  if (quirksOfExecutor(trx).roundTrips) {
    const result = await (inbound ? inboundMessageWithActivity : messageWithActivity)(trx, { ...row, ...prefixed(activity) });
    return Number(result.numAffectedRows ?? 0n) > 0;
  }
  const inserted = await insertMessage(trx, row);
  if (Number(inserted.numAffectedRows ?? 0n) === 0) return false;
  await (inbound ? recordInboundActivity : recordActivity)(trx, activity);
  return true;
}

/**
 * An inbound message, its conversation's counters and the event that announces it, with the
 * event's deliveries; nothing at all when the message is already stored (false). PostgreSQL does
 * it in one statement: two round trips become one on every inbound message of a known phone.
 */
export async function insertInboundMessageWithEvent(trx: Tx, row: MessageRow, activity: Activity, write: EventWrite): Promise<boolean> {
  if (quirksOfExecutor(trx).roundTrips) {
    if (write.deliveries.length > 0) markDeliveriesWritten(trx);
    const { rows } = await inboundMessageWithEvent(trx, { ...row, ...prefixed(activity), ...prefixedEvent(write) });
    return rows[0]!.inserted > 0;
  }
  if (!(await insertMessageWithActivity(trx, row, true, activity))) return false;
  await insertEventWithDeliveries(trx, write);
  return true;
}

const MESSAGE_COLUMNS = [
  'workspace_id',
  'id',
  'conversation_id',
  'type',
  'direction',
  'content',
  'media_url',
  'media_mime_type',
  'media_file_name',
  'media_caption',
  'media_size',
  'message_at',
  'external_id',
  'external_status',
  'error_message',
  'sender_person_id',
  'sender_user_id',
  'sender_bot_id',
  'contact_name',
  'contact_phone',
  'quoted_message_id',
  'transcription',
  'summary',
  'metadata',
  'client_message_id',
  'media_status',
  'media_error',
  'created_at',
  'updated_at',
] as const;

/** Every column, so the statement has one shape; a repeat of a unique key inserts nothing. */
const insertMessage = prepared<MessageRow, never>((db, p) =>
  db
    .insertInto('messages')
    .values(Object.fromEntries(MESSAGE_COLUMNS.map((c) => [c, p(c)])) as MessageRow)
    .onConflict((oc) => oc.doNothing()),
);

type PrefixedActivity = { [K in keyof Activity as `activity_${K}`]: Activity[K] };
const prefixed = (a: Activity): PrefixedActivity => ({
  activity_last_message_id: a.last_message_id,
  activity_last_message_at: a.last_message_at,
  activity_last_activity_at: a.last_activity_at,
  activity_unread_count: a.unread_count,
  activity_last_inbound_at: a.last_inbound_at,
  activity_workspace_id: a.workspace_id,
  activity_id: a.id,
});

const activitySet = (inbound: boolean, at: (name: keyof Activity) => unknown) => ({
  last_message_id: at('last_message_id') as string | null,
  last_message_at: at('last_message_at') as number | null,
  last_activity_at: at('last_activity_at') as number,
  unread_count: at('unread_count') as number,
  ...(inbound
    ? {
        last_inbound_at: sql<number>`case when last_inbound_at is null or last_inbound_at < ${at('last_inbound_at')} then ${at('last_inbound_at')} else last_inbound_at end`,
      }
    : {}),
});

const activityStatement = (inbound: boolean) =>
  prepared<Activity, never>((db, p) =>
    db.updateTable('conversations').set(activitySet(inbound, p)).where('workspace_id', '=', p('workspace_id')).where('id', '=', p('id')),
  );
const recordActivity = activityStatement(false);
const recordInboundActivity = activityStatement(true);

/** PostgreSQL: the insert as a data-modifying CTE; the conversation is updated only when it inserted a row. */
const combinedStatement = (inbound: boolean) =>
  prepared<MessageRow & PrefixedActivity, never>((db, p) =>
    db
      .with('m', (w) =>
        w
          .insertInto('messages')
          .values(Object.fromEntries(MESSAGE_COLUMNS.map((c) => [c, p(c)])) as MessageRow)
          .onConflict((oc) => oc.doNothing())
          .returning('id'),
      )
      .updateTable('conversations')
      .set(activitySet(inbound, (name) => p(`activity_${name}`)))
      .where('workspace_id', '=', p('activity_workspace_id'))
      .where('id', '=', p('activity_id'))
      .where(({ exists, selectFrom }) => exists(selectFrom('m').select('m.id'))),
  );
const messageWithActivity = combinedStatement(false);
const inboundMessageWithActivity = combinedStatement(true);

type EventColumns = NewEvent & DeliveryArrays;
type PrefixedEvent = { [K in keyof EventColumns as `event_${K}`]: EventColumns[K] };
const prefixedEvent = (write: EventWrite): PrefixedEvent => {
  const { event } = write;
  const arrays = deliveryArrays(write);
  return {
    event_workspace_id: event.workspace_id,
    event_id: event.id,
    event_type: event.type,
    event_conversation_id: event.conversation_id,
    event_payload: event.payload,
    event_created_at: event.created_at,
    event_expires_at: arrays.expires_at,
    event_delivery_ids: arrays.delivery_ids,
    event_subscription_ids: arrays.subscription_ids,
    event_bodies: arrays.bodies,
  };
};

/**
 * PostgreSQL: the message insert, then the conversation's counters, the event and its deliveries
 * as data-modifying CTEs that write only when the insert did; the answer counts the insert.
 */
const inboundMessageWithEvent = prepared<MessageRow & PrefixedActivity & PrefixedEvent, { inserted: number }>((db, p) => {
  const e = <K extends keyof EventColumns & string>(name: K) => p(`event_${name}`);
  const inserted = sql<boolean>`exists (select 1 from m)`;
  return db
    .with('m', (w) =>
      w
        .insertInto('messages')
        .values(Object.fromEntries(MESSAGE_COLUMNS.map((c) => [c, p(c)])) as MessageRow)
        .onConflict((oc) => oc.doNothing())
        .returning('id'),
    )
    .with('a', (w) =>
      w
        .updateTable('conversations')
        .set(activitySet(true, (name) => p(`activity_${name}`)))
        .where('workspace_id', '=', p('activity_workspace_id'))
        .where('id', '=', p('activity_id'))
        .where(inserted),
    )
    .with(
      'e',
      // Kysely writes a raw CTE without the parentheses a query builder's gets.
      () => sql`(insert into events (workspace_id, id, type, conversation_id, payload, created_at)
        select ${e('workspace_id')}::text, ${e('id')}::text, ${e('type')}::text, ${e('conversation_id')}::text, ${e('payload')}::text, ${e('created_at')}::bigint
        where ${inserted})`,
    )
    .with('d', () => sql`(insert into ${DELIVERY_INSERT_COLUMNS} ${deliveryRowsFromArrays(e)} where ${inserted})`)
    .selectFrom('m')
    .select(sql<number>`count(*)::int`.as('inserted'));
});
