import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { subscriptionFromRow } from '../db/rows.ts';
import { newId } from '../domain/ids.ts';
import type { DomainEvent } from '../domain/model.ts';
import { webhookFormat, type Subscription } from './webhook-formats.ts';

export const DELIVERY_RETENTION_MS = 90 * 24 * 3600 * 1000;

export type Tx = Transaction<Database>;

/**
 * Writes an event and one delivery per subscription that wants it, inside the caller's
 * transaction: the change, its event and its deliveries commit together or not at all.
 */
export async function emitEvent(
  trx: Tx,
  workspaceId: string,
  type: string,
  conversationId: string | null,
  payload: Record<string, unknown>,
): Promise<DomainEvent> {
  const now = Date.now();
  const event: DomainEvent = { id: newId(), workspaceId, type, conversationId, payload, createdAt: now };
  await trx.insertInto('events').values({
    workspace_id: workspaceId, id: event.id, type, conversation_id: conversationId, payload: JSON.stringify(payload), created_at: now,
  }).execute();

  const subscriptions = await activeSubscriptions(trx, workspaceId);
  for (const subscription of subscriptions) {
    const format = webhookFormat(subscription.dialect);
    if (!format || !format.wants(event, subscription)) continue;
    await trx.insertInto('deliveries').values({
      workspace_id: workspaceId, id: newId(), event_id: event.id, subscription_id: subscription.id,
      conversation_id: conversationId, event_type: type, status: 'PENDING', body: format.body(event, subscription),
      attempt_count: 0, next_attempt_at: now, locked_until: null, status_code: null, response_body: null,
      error_message: null, duration_ms: null, created_at: now, updated_at: now, expires_at: now + DELIVERY_RETENTION_MS,
    }).execute();
  }
  return event;
}

export async function activeSubscriptions(trx: Tx, workspaceId: string): Promise<Subscription[]> {
  const rows = await trx.selectFrom('webhook_subscriptions').selectAll()
    .where('workspace_id', '=', workspaceId).where('is_active', '=', 1).where('deleted_at', 'is', null).execute();
  return rows.map(subscriptionFromRow);
}
