import type { Selectable, Transaction } from 'kysely';
import type { Database, WebhookSubscriptionTable } from '../db/schema.ts';
import { type EventWrite, insertEventWithDeliveries, type NewDelivery } from '../db/repos/outbox-writes.ts';
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
export async function emitEvent(...args: Parameters<typeof composeEvent>): Promise<DomainEvent> {
  const [, trx] = args;
  const { event, write } = await composeEvent(...args);
  await insertEventWithDeliveries(trx, write);
  return event;
}

/** An event and its deliveries, ready for a statement that writes them with the change they announce. */
export async function composeEvent(
  outbox: { webhookFormats: ReadonlyMap<string, WebhookFormat> },
  trx: Tx,
  workspaceId: string,
  type: EventType,
  conversationId: string | null,
  payload: Record<string, unknown>,
): Promise<{ event: DomainEvent; write: EventWrite }> {
  const now = Date.now();
  const event: DomainEvent = { id: newId(), workspaceId, type, conversationId, payload, createdAt: now };
  const deliveries: NewDelivery[] = [];
  for (const subscription of await activeSubscriptions(trx, workspaceId)) {
    const format = outbox.webhookFormats.get(subscription.dialect);
    if (format?.wants(event, subscription)) deliveries.push({ id: newId(), subscription_id: subscription.id, body: format.body(event, subscription) });
  }
  const row = { workspace_id: workspaceId, id: event.id, type, conversation_id: conversationId, payload: JSON.stringify(payload), created_at: now };
  return { event, write: { event: row, deliveries, expiresAt: now + DELIVERY_RETENTION_MS } };
}

const subscriptionRows = prepared<{ ws: string }, Selectable<WebhookSubscriptionTable>>((db, p) =>
  db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', p('ws')).where('is_active', '=', 1).where('deleted_at', 'is', null),
);

/**
 * Active subscriptions, read once per transaction and workspace: a write emits several events. A
 * transaction that changes subscriptions calls forgetSubscriptions so its later events see them.
 */
const subscriptionsByTransaction = new WeakMap<object, Map<string, Promise<Subscription[]>>>();

function subscriptionsOf(trx: Tx): Map<string, Promise<Subscription[]>> {
  let byWorkspace = subscriptionsByTransaction.get(trx);
  if (!byWorkspace) {
    byWorkspace = new Map();
    subscriptionsByTransaction.set(trx, byWorkspace);
  }
  return byWorkspace;
}

export function activeSubscriptions(trx: Tx, workspaceId: string): Promise<Subscription[]> {
  const byWorkspace = subscriptionsOf(trx);
  let found = byWorkspace.get(workspaceId);
  if (!found) {
    found = subscriptionRows(trx, { ws: workspaceId }).then(({ rows }) => rows.map(subscriptionFromRow));
    byWorkspace.set(workspaceId, found);
  }
  return found;
}

/** Subscriptions the caller read inside this transaction, as activeSubscriptions would have: its later events use them. */
export function primeSubscriptions(trx: Tx, workspaceId: string, rows: Selectable<WebhookSubscriptionTable>[]): void {
  const byWorkspace = subscriptionsOf(trx);
  if (!byWorkspace.has(workspaceId)) byWorkspace.set(workspaceId, Promise.resolve(rows.map(subscriptionFromRow)));
}

/** Called by whatever writes webhook_subscriptions inside a transaction (or on the database). */
export function forgetSubscriptions(executor: object): void {
  subscriptionsByTransaction.delete(executor);
}
