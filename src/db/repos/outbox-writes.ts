import { sql, type Insertable } from 'kysely';
import { quirksOfExecutor } from '../engine-quirks.ts';
import type { EventTable } from '../schema.ts';
import type { Tx } from './tx.ts';
import { prepared } from '../prepared.ts';
import { markDeliveriesWritten } from '../outbox-signal.ts';

export type NewEvent = Required<Omit<Insertable<EventTable>, 'tx_id'>> & { conversation_id: string | null };
/** A delivery of the event, due now: what differs between its deliveries. */
export interface NewDelivery {
  id: string;
  subscription_id: string;
  body: string;
}

/** An event ready to be written: its row, one delivery per subscription that wants it, and when they expire. */
export interface EventWrite {
  event: NewEvent;
  deliveries: NewDelivery[];
  expiresAt: number;
}

/**
 * Writes an event and its deliveries. On SQLite a statement per row costs microseconds; on
 * PostgreSQL every statement is a round trip, so the event and all its deliveries go in one.
 */
export async function insertEventWithDeliveries(trx: Tx, { event, deliveries, expiresAt }: EventWrite): Promise<void> {
  if (deliveries.length > 0) markDeliveriesWritten(trx);
  if (deliveries.length > 0 && quirksOfExecutor(trx).roundTrips) {
    await eventWithDeliveries(trx, { ...event, ...deliveryArrays({ event, deliveries, expiresAt }) });
    return;
  }
  await insertEvent(trx, event);
  for (const delivery of deliveries) {
    await insertDelivery(trx, {
      workspace_id: event.workspace_id,
      id: delivery.id,
      event_id: event.id,
      subscription_id: delivery.subscription_id,
      conversation_id: event.conversation_id,
      event_type: event.type,
      body: delivery.body,
      now: event.created_at,
      expires_at: expiresAt,
    });
  }
}

/** The deliveries as the parallel arrays PostgreSQL's `unnest` reads, with their expiry. */
export type DeliveryArrays = { expires_at: number; delivery_ids: string[]; subscription_ids: string[]; bodies: string[] };
export const deliveryArrays = ({ deliveries, expiresAt }: EventWrite): DeliveryArrays => ({
  expires_at: expiresAt,
  delivery_ids: deliveries.map((d) => d.id),
  subscription_ids: deliveries.map((d) => d.subscription_id),
  bodies: deliveries.map((d) => d.body),
});

/**
 * PostgreSQL: the `select` that makes one delivery row per element of the arrays, for an event
 * whose columns are the slots named by `at`. A statement that writes an event inserts this.
 */
export const deliveryRowsFromArrays = (at: (name: 'workspace_id' | 'id' | 'conversation_id' | 'type' | 'created_at' | keyof DeliveryArrays) => unknown) =>
  sql`select ${at('workspace_id')}::text, d.id, ${at('id')}::text, d.subscription_id, ${at('conversation_id')}::text, ${at('type')}::text, 'PENDING', d.body, 0,
        ${at('created_at')}::bigint, null, null, null, null, null, ${at('created_at')}::bigint, ${at('created_at')}::bigint, ${at('expires_at')}::bigint
      from unnest(${at('delivery_ids')}::text[], ${at('subscription_ids')}::text[], ${at('bodies')}::text[]) as d(id, subscription_id, body)`;

/** The columns deliveryRowsFromArrays fills, in its order. */
export const DELIVERY_INSERT_COLUMNS =
  sql.raw(`deliveries (workspace_id, id, event_id, subscription_id, conversation_id, event_type, status, body, attempt_count,
        next_attempt_at, locked_until, status_code, response_body, error_message, duration_ms, created_at, updated_at, expires_at)`);

const insertEvent = prepared<NewEvent, never>((db, p) =>
  db.insertInto('events').values({
    workspace_id: p('workspace_id'),
    id: p('id'),
    type: p('type'),
    conversation_id: p('conversation_id'),
    payload: p('payload'),
    created_at: p('created_at'),
  }),
);

type DeliveryRow = {
  workspace_id: string;
  id: string;
  event_id: string;
  subscription_id: string;
  conversation_id: string | null;
  event_type: string;
  body: string;
  now: number;
  expires_at: number;
};
const insertDelivery = prepared<DeliveryRow, never>((db, p) =>
  db.insertInto('deliveries').values({
    workspace_id: p('workspace_id'),
    id: p('id'),
    event_id: p('event_id'),
    subscription_id: p('subscription_id'),
    conversation_id: p('conversation_id'),
    event_type: p('event_type'),
    status: 'PENDING',
    body: p('body'),
    attempt_count: 0,
    next_attempt_at: p('now'),
    locked_until: null,
    status_code: null,
    response_body: null,
    error_message: null,
    duration_ms: null,
    created_at: p('now'),
    updated_at: p('now'),
    expires_at: p('expires_at'),
  }),
);

type EventWithDeliveries = NewEvent & DeliveryArrays;
/** PostgreSQL only: the event, then one delivery per array element, in one statement. */
const eventWithDeliveries = prepared<EventWithDeliveries, never>((db, p) => ({
  compile: () =>
    sql<never>`with e as (
        insert into events (workspace_id, id, type, conversation_id, payload, created_at)
        values (${p('workspace_id')}, ${p('id')}, ${p('type')}, ${p('conversation_id')}, ${p('payload')}, ${p('created_at')})
      )
      insert into ${DELIVERY_INSERT_COLUMNS}
      ${deliveryRowsFromArrays(p)}`.compile(db),
}));
