import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Database, EventTable, WebhookSubscriptionTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { subscriptionFromRow } from '../db/rows.ts';
import { newId } from '../domain/ids.ts';
import type { DomainEvent, EventType } from '../domain/model.ts';
import type { Subscription, WebhookFormat } from './webhook-formats.ts';

export const DELIVERY_RETENTION_MS = 90 * 24 * 3600 * 1000;

export type Tx = Transaction<Database>;

/**
 * Writes an event and one delivery per subscription that wants it, inside the caller's
 * transaction: the change, its event and its deliveries commit together or not at all.
 */
export async function emitEvent(
  outbox: { webhookFormats: ReadonlyMap<string, WebhookFormat> },
  trx: Tx,
  workspaceId: string,
  type: EventType,
  conversationId: string | null,
  payload: Record<string, unknown>,
): Promise<DomainEvent> {
  const now = Date.now();
  const event: DomainEvent = { id: newId(), workspaceId, type, conversationId, payload, createdAt: now };
  await insertEvent(trx, { workspace_id: workspaceId, id: event.id, type, conversation_id: conversationId, payload: JSON.stringify(payload), created_at: now });

  const subscriptions = await activeSubscriptions(trx, workspaceId);
  for (const subscription of subscriptions) {
    const format = outbox.webhookFormats.get(subscription.dialect);
    if (!format?.wants(event, subscription)) continue;
    await insertDelivery(trx, {
      workspace_id: workspaceId,
      id: newId(),
      event_id: event.id,
      subscription_id: subscription.id,
      conversation_id: conversationId,
      event_type: type,
      body: format.body(event, subscription),
      now,
      expires_at: now + DELIVERY_RETENTION_MS,
    });
  }
  return event;
}

type EventRow = Omit<Insertable<EventTable>, 'tx_id'> & { conversation_id: string | null };
const insertEvent = prepared<Required<EventRow>, never>((db, p) =>
  db.insertInto('events').values({
    workspace_id: p('workspace_id'),
    id: p('id'),
    type: p('type'),
    conversation_id: p('conversation_id'),
    payload: p('payload'),
    created_at: p('created_at'),
  }),
);

type NewDelivery = {
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
const insertDelivery = prepared<NewDelivery, never>((db, p) =>
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

const subscriptionRows = prepared<{ ws: string }, Selectable<WebhookSubscriptionTable>>((db, p) =>
  db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', p('ws')).where('is_active', '=', 1).where('deleted_at', 'is', null),
);

/**
 * Active subscriptions, read once per transaction and workspace: a write emits several events. A
 * transaction that changes subscriptions calls forgetSubscriptions so its later events see them.
 */
const subscriptionsByTransaction = new WeakMap<object, Map<string, Promise<Subscription[]>>>();

export function activeSubscriptions(trx: Tx, workspaceId: string): Promise<Subscription[]> {
  let byWorkspace = subscriptionsByTransaction.get(trx);
  if (!byWorkspace) {
    byWorkspace = new Map();
    subscriptionsByTransaction.set(trx, byWorkspace);
  }
  let found = byWorkspace.get(workspaceId);
  if (!found) {
    found = subscriptionRows(trx, { ws: workspaceId }).then(({ rows }) => rows.map(subscriptionFromRow));
    byWorkspace.set(workspaceId, found);
  }
  return found;
}

/** Called by whatever writes webhook_subscriptions inside a transaction (or on the database). */
export function forgetSubscriptions(executor: object): void {
  subscriptionsByTransaction.delete(executor);
}
