import { randomBytes } from 'node:crypto';
import type { Ctx, Actor } from './context.ts';
import { flag, subscriptionFromRow, toJson } from '../db/rows.ts';
import type { WebhookSubscription } from '../events/webhook-formats.ts';
import { newId } from './ids.ts';
import { notFound } from './errors.ts';
import { emitEvent, forgetSubscriptions } from '../events/outbox.ts';
import { cancelPendingDeliveries, retryDeliveryNow, type DeliveryStatus } from '../events/dispatcher.ts';
import type { Selectable } from 'kysely';
import type { DeliveryTable } from '../db/schema.ts';
import { forUpdate } from '../db/repos/tx.ts';
import { pageById, pageOffset, type NumberedPage, type NumberedPageRequest, type PageRequest, type PageResult } from './resources/paging.ts';

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

/**
 * Creates the workspace's only subscription of a dialect (Jelou's integration: one per project), or
 * throws `conflict` when there already is one. Concurrent creates for one workspace wait for each
 * other on the workspace's row, so exactly one of them creates it.
 */
export async function createSoleSubscription(ctx: Ctx, workspaceId: string, input: NewSubscription, conflict: () => Error): Promise<WebhookSubscription> {
  return ctx.transact(async (trx) => {
    await forUpdate(trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId), ctx.engine).executeTakeFirst();
    const txCtx: Ctx = { ...ctx, db: trx };
    if ((await listSubscriptions(txCtx, workspaceId, input.dialect)).length > 0) throw conflict();
    return createSubscription(txCtx, workspaceId, input);
  });
}

/** A page of one dialect's subscriptions, oldest first (ids are time-sortable). */
export async function listSubscriptionsPage(ctx: Ctx, workspaceId: string, dialect: string, page: PageRequest): Promise<PageResult<WebhookSubscription>> {
  const q = ctx.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('dialect', '=', dialect)
    .where('deleted_at', 'is', null);
  return pageById(q, page, subscriptionFromRow);
}

/** One delivery of an event to a subscription, as its log shows it. */
export interface DeliveryRecord {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  statusCode: number | null;
  errorMessage: string | null;
  durationMs: number | null;
  /** The receiver's answer, its first bytes as text. */
  responseBody: string | null;
  /** The JSON sent (the same body on every attempt). */
  body: string;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** Where a newest-first page of deliveries continues: before this (createdAt, id). */
export interface DeliveryPosition {
  createdAt: number;
  id: string;
}

/** A subscription's deliveries, newest first; `before` continues from the last one of the previous page. */
export async function listDeliveries(
  ctx: Ctx,
  workspaceId: string,
  subscriptionId: string,
  page: { limit: number; before: DeliveryPosition | null },
): Promise<{ items: DeliveryRecord[]; next: DeliveryPosition | null }> {
  let q = ctx.db.selectFrom('deliveries').selectAll().where('workspace_id', '=', workspaceId).where('subscription_id', '=', subscriptionId);
  const before = page.before;
  if (before)
    q = q.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map(deliveryFromRow);
  const last = items[items.length - 1];
  return { items, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** What a numbered page of a subscription's deliveries keeps: one status, and events of these types (none: no delivery). */
export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventTypes?: string[];
}

/** A subscription's deliveries the filter keeps, newest first, one numbered page with the exact number of them. */
export async function listDeliveriesByPage(
  ctx: Ctx,
  workspaceId: string,
  subscriptionId: string,
  filter: DeliveryFilter,
  paging: NumberedPageRequest,
): Promise<NumberedPage<DeliveryRecord>> {
  let q = ctx.db.selectFrom('deliveries').where('workspace_id', '=', workspaceId).where('subscription_id', '=', subscriptionId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.eventTypes) q = q.where('event_type', 'in', filter.eventTypes.length > 0 ? filter.eventTypes : ['']);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(paging.limit).offset(pageOffset(paging.page, paging.limit)).execute(),
  ]);
  return { items: rows.map(deliveryFromRow), total: Number(count.n) };
}

/** The number of deliveries of each of these subscriptions, by status (a subscription without any is absent). */
export async function deliveryCountsBySubscription(
  ctx: Ctx,
  workspaceId: string,
  subscriptionIds: string[],
): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>> {
  const counts = new Map<string, Partial<Record<DeliveryStatus, number>>>();
  if (subscriptionIds.length === 0) return counts;
  const rows = await ctx.db
    .selectFrom('deliveries')
    .select(['subscription_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('subscription_id', 'in', subscriptionIds)
    .groupBy(['subscription_id', 'status'])
    .execute();
  for (const row of rows) {
    const byStatus = counts.get(row.subscription_id) ?? {};
    byStatus[row.status as DeliveryStatus] = Number(row.n);
    counts.set(row.subscription_id, byStatus);
  }
  return counts;
}

/** Retries a delivery of one of this dialect's subscriptions (404 for another dialect's, as for none; 409 when it cannot be retried). */
export async function retryDialectDelivery(ctx: Ctx, workspaceId: string, dialect: string, id: string): Promise<void> {
  const delivery = await ctx.db
    .selectFrom('deliveries as d')
    .innerJoin('webhook_subscriptions as s', (j) => j.onRef('s.workspace_id', '=', 'd.workspace_id').onRef('s.id', '=', 'd.subscription_id'))
    .select('d.id')
    .where('d.workspace_id', '=', workspaceId)
    .where('d.id', '=', id)
    .where('s.dialect', '=', dialect)
    .executeTakeFirst();
  if (!delivery) throw notFound('delivery', id);
  await retryDeliveryNow(ctx, workspaceId, id);
}

export async function requireDelivery(ctx: Ctx, workspaceId: string, subscriptionId: string, id: string): Promise<DeliveryRecord> {
  const row = await ctx.db
    .selectFrom('deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('subscription_id', '=', subscriptionId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('delivery', id);
  return deliveryFromRow(row);
}

/** A FAILED or RETRYING delivery is due again now (409 otherwise); returns it as it stands after. */
export async function retryDelivery(ctx: Ctx, workspaceId: string, subscriptionId: string, id: string): Promise<DeliveryRecord> {
  await requireDelivery(ctx, workspaceId, subscriptionId, id);
  await retryDeliveryNow(ctx, workspaceId, id);
  return requireDelivery(ctx, workspaceId, subscriptionId, id);
}

function deliveryFromRow(r: Selectable<DeliveryTable>): DeliveryRecord {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status as DeliveryStatus,
    attemptCount: Number(r.attempt_count),
    statusCode: r.status_code === null ? null : Number(r.status_code),
    errorMessage: r.error_message,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    responseBody: r.response_body,
    body: r.body,
    nextAttemptAt: Number(r.next_attempt_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    expiresAt: Number(r.expires_at),
  };
}
