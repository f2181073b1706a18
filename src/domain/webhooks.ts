import { randomBytes } from 'node:crypto';
import type { Ctx, Actor } from './context.ts';
import { flag, subscriptionFromRow, toJson } from '../db/rows.ts';
import type { WebhookSubscription } from '../events/webhook-formats.ts';
import { newId } from './ids.ts';
import { notFound } from './errors.ts';
import { emitEvent, forgetSubscriptions } from '../events/outbox.ts';
import { cancelPendingDeliveries } from '../events/dispatcher.ts';

export type { WebhookSubscription };

/** `whsec_` + 32 random bytes in base64 (jurichat-api.md). */
export const newWhsecSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export interface NewSubscription {
  dialect: string;
  name: string;
  url: string;
  events: string[];
  secret: string;
  description?: string | null;
  isActive?: boolean;
  headers?: Record<string, string> | null;
  authType?: string | null;
  authorization?: string | null;
}

export async function createSubscription(ctx: Ctx, workspaceId: string, input: NewSubscription): Promise<WebhookSubscription> {
  const now = Date.now();
  const row = {
    workspace_id: workspaceId,
    id: newId(),
    dialect: input.dialect,
    name: input.name,
    description: input.description ?? null,
    url: input.url,
    secret: input.secret,
    events: JSON.stringify(input.events),
    is_active: flag(input.isActive ?? true),
    headers: toJson(input.headers ?? null),
    auth_type: input.authType ?? null,
    authorization: input.authorization ?? null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await ctx.db.insertInto('webhook_subscriptions').values(row).execute();
  forgetSubscriptions(ctx.db);
  return subscriptionFromRow(row);
}

export async function findSubscription(ctx: Ctx, workspaceId: string, id: string, dialect: string): Promise<WebhookSubscription | null> {
  const row = await ctx.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('dialect', '=', dialect)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? subscriptionFromRow(row) : null;
}

export async function requireSubscription(ctx: Ctx, workspaceId: string, id: string, dialect: string): Promise<WebhookSubscription> {
  const found = await findSubscription(ctx, workspaceId, id, dialect);
  if (!found) throw notFound('webhook', id);
  return found;
}

export async function listSubscriptions(ctx: Ctx, workspaceId: string, dialect: string): Promise<WebhookSubscription[]> {
  const rows = await ctx.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('dialect', '=', dialect)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(subscriptionFromRow);
}

export type SubscriptionChanges = Partial<
  Pick<WebhookSubscription, 'name' | 'description' | 'url' | 'events' | 'isActive' | 'headers' | 'authType' | 'authorization' | 'secret'>
>;

export async function updateSubscription(
  ctx: Ctx,
  workspaceId: string,
  id: string,
  dialect: string,
  changes: SubscriptionChanges,
): Promise<WebhookSubscription> {
  const current = await requireSubscription(ctx, workspaceId, id, dialect);
  const next: WebhookSubscription = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)), updatedAt: Date.now() };
  await ctx.db
    .updateTable('webhook_subscriptions')
    .set({
      name: next.name,
      description: next.description,
      url: next.url,
      events: JSON.stringify(next.events),
      is_active: flag(next.isActive),
      headers: toJson(next.headers),
      auth_type: next.authType,
      authorization: next.authorization,
      secret: next.secret,
      updated_at: next.updatedAt,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  forgetSubscriptions(ctx.db);
  return next;
}

/** Deletes a subscription and cancels what it still had to send, in one transaction. */
export async function deleteSubscription(ctx: Ctx, workspaceId: string, id: string, dialect: string): Promise<void> {
  await requireSubscription(ctx, workspaceId, id, dialect);
  await ctx.transact(async (trx) => {
    const now = Date.now();
    await trx
      .updateTable('webhook_subscriptions')
      .set({ deleted_at: now, is_active: 0, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await cancelPendingDeliveries(trx, workspaceId, id, now);
    forgetSubscriptions(trx);
  });
}

/** A `webhook.test` event for one subscription; returns the id of the delivery it created. */
export async function sendTestEvent(ctx: Ctx, workspaceId: string, subscription: WebhookSubscription, actor: Actor): Promise<string | null> {
  return ctx.transact(async (trx) => {
    const event = await emitEvent(ctx, trx, workspaceId, 'webhook.test', null, { subscriptionId: subscription.id, actor });
    const delivery = await trx
      .selectFrom('deliveries')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('event_id', '=', event.id)
      .where('subscription_id', '=', subscription.id)
      .executeTakeFirst();
    return delivery?.id ?? null;
  });
}
