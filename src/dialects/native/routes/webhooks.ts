import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  createSubscription,
  deleteSubscription,
  listDeliveries,
  listSubscriptionsPage,
  newWhsecSecret,
  requireSubscription,
  retryDelivery,
  updateSubscription,
  type DeliveryRecord,
  type WebhookSubscription,
} from '../../../domain/webhooks.ts';
import { assertWebhookUrl } from '../../../events/webhook-url.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { Id, IdParams, Nullable, Page, PageQuery, Timestamp, errors, iso, isoRequired } from '../schemas.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';
import { NATIVE_DIALECT, NATIVE_WEBHOOK_EVENTS } from '../webhook-format.ts';

const tags = ['webhooks'];

const EventName = Type.Enum([...NATIVE_WEBHOOK_EVENTS]);
const Events = Type.Array(EventName, { minItems: 1, uniqueItems: true, description: 'The event types to receive (as the feed names them)' });
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'http(s); private and loopback addresses only with CONVERSAS_ALLOW_PRIVATE_WEBHOOKS' });
const WebhookName = Type.String({ minLength: 1, maxLength: 100 });
const Status = Type.Enum(['active', 'paused'], { description: '`paused`: events committed meanwhile are not delivered to it' });

const WebhookFields = {
  id: Id,
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  status: Status,
  secretHint: Type.String({ description: 'The signing secret as every read shows it: its last four characters' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};
const WebhookShape = Type.Object(WebhookFields);
const CreatedWebhookShape = Type.Object({
  ...WebhookFields,
  secret: Type.String({ description: 'The Standard Webhooks signing secret (`whsec_…`): shown in this answer only' }),
});

const DELIVERY_STATUSES = ['pending', 'retrying', 'success', 'failed', 'cancelled'] as const;
const DeliveryShape = Type.Object({
  id: Id,
  webhookId: Id,
  eventId: Id,
  type: Type.String({ description: 'The event type' }),
  status: Type.Enum([...DELIVERY_STATUSES]),
  attempts: Type.Integer({ description: 'Attempts made so far' }),
  responseCode: Nullable(Type.Integer({ description: "The receiver's HTTP status on the last attempt" })),
  error: Nullable(Type.String({ description: 'Why the last attempt failed' })),
  durationMs: Nullable(Type.Integer()),
  nextAttemptAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const DeliveryParams = Type.Object({ id: Id, deliveryId: Id });

const presentWebhook = (w: WebhookSubscription) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: w.events,
  status: w.isActive ? ('active' as const) : ('paused' as const),
  secretHint: `••••${w.secret.slice(-4)}`,
  createdAt: isoRequired(w.createdAt),
  updatedAt: isoRequired(w.updatedAt),
});

const presentDelivery = (d: DeliveryRecord) => {
  const open = d.status === 'PENDING' || d.status === 'RETRYING';
  return {
    id: d.id,
    webhookId: d.subscriptionId,
    eventId: d.eventId,
    type: d.eventType,
    status: d.status.toLowerCase() as (typeof DELIVERY_STATUSES)[number],
    attempts: d.attemptCount,
    responseCode: d.statusCode,
    error: d.errorMessage,
    durationMs: d.durationMs,
    nextAttemptAt: open ? iso(d.nextAttemptAt) : null,
    createdAt: isoRequired(d.createdAt),
    updatedAt: isoRequired(d.updatedAt),
  };
};

/** A webhook without a name is called by its URL's host. */
function defaultName(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Webhooks of the native format (the feed's events, Standard Webhooks signatures) and their delivery logs. Admins only. */
export async function webhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, config } = app;

  app.get(
    '/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        tags,
        summary: "The workspace's native webhooks (the JuriChat and Jelou ones are managed by their own APIs); secrets as hints",
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(WebhookShape) },
      },
    },
    async (request) =>
      presentPage(await listSubscriptionsPage(ctx, request.principal!.workspaceId, NATIVE_DIALECT, pageRequest(request.query)), presentWebhook),
  );

  app.post(
    '/webhooks',
    {
      config: { idempotent: 'secret' },
      schema: {
        operationId: 'createWebhook',
        tags,
        summary: 'Create a webhook; its signing secret is shown in this answer only',
        body: Type.Object({ url: Url, events: Events, name: Type.Optional(WebhookName), status: Type.Optional(Status) }, { additionalProperties: false }),
        response: { 201: CreatedWebhookShape },
      },
    },
    async (request, reply) => {
      const b = request.body;
      assertWebhookUrl(b.url, config.allowPrivateWebhooks);
      const w = await createSubscription(ctx, request.principal!.workspaceId, {
        dialect: NATIVE_DIALECT,
        name: b.name?.trim() || defaultName(b.url),
        url: b.url,
        events: b.events,
        secret: newWhsecSecret(),
        isActive: (b.status ?? 'active') === 'active',
      });
      return reply.code(201).send({ ...presentWebhook(w), secret: w.secret });
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: { operationId: 'getWebhook', tags, summary: 'One webhook', params: IdParams, response: { 200: WebhookShape, ...errors(404) } },
    },
    async (request) => presentWebhook(await requireSubscription(ctx, request.principal!.workspaceId, request.params.id, NATIVE_DIALECT)),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'updateWebhook',
        tags,
        summary: 'Change the URL, events (replaces the list) or name; `status: "paused"` pauses it and `"active"` resumes it',
        params: IdParams,
        body: Type.Object(
          { url: Type.Optional(Url), events: Type.Optional(Events), name: Type.Optional(WebhookName), status: Type.Optional(Status) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: WebhookShape, ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const b = request.body;
      await requireSubscription(ctx, ws, request.params.id, NATIVE_DIALECT);
      if (b.url !== undefined) assertWebhookUrl(b.url, config.allowPrivateWebhooks);
      const w = await updateSubscription(ctx, ws, request.params.id, NATIVE_DIALECT, {
        url: b.url,
        events: b.events,
        name: b.name?.trim() || undefined,
        isActive: b.status === undefined ? undefined : b.status === 'active',
      });
      return presentWebhook(w);
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'deleteWebhook',
        tags,
        summary: 'Delete a webhook; what it still had to send is cancelled',
        params: IdParams,
        response: { 204: Deleted, ...errors(404) },
      },
    },
    async (request, reply) => {
      await deleteSubscription(ctx, request.principal!.workspaceId, request.params.id, NATIVE_DIALECT);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: "A webhook's delivery log, newest first (kept 90 days): status, attempts, the last response code and error, the next attempt",
        params: IdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(DeliveryShape), ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { limit = 50, cursor } = request.query;
      await requireSubscription(ctx, ws, request.params.id, NATIVE_DIALECT);
      const before = cursor ? decodeCursor(cursor, ['number', 'string']) : null;
      const page = await listDeliveries(ctx, ws, request.params.id, { limit, before: before ? { createdAt: before[0], id: before[1] } : null });
      return { data: page.items.map(presentDelivery), nextCursor: page.next ? encodeCursor([page.next.createdAt, page.next.id]) : null };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/retry',
    {
      schema: {
        operationId: 'retryWebhookDelivery',
        tags,
        summary: 'Send a failed (or retrying) delivery again now, with the same id and body; 409 for any other status',
        params: DeliveryParams,
        response: { 200: DeliveryShape, ...errors(404, 409) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      await requireSubscription(ctx, ws, request.params.id, NATIVE_DIALECT);
      return presentDelivery(await retryDelivery(ctx, ws, request.params.id, request.params.deliveryId));
    },
  );
}
