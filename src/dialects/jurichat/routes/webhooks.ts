import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { conflict } from '../../../domain/errors.ts';
import {
  createSubscription,
  deleteSubscription,
  deliveryCountsBySubscription,
  listDeliveriesByPage,
  listSubscriptions,
  newWhsecSecret,
  requireSubscription,
  retryDialectDelivery,
  sendTestEvent,
  updateSubscription,
  type WebhookSubscription,
} from '../../../domain/webhooks.ts';
import { assertWebhookUrl } from '../../../events/webhook-url.ts';
import type { DeliveryStatus } from '../../../events/dispatcher.ts';
import { DOMAIN_TO_JURICHAT as EVENT_TYPES, JURICHAT_DIALECT, JURICHAT_EVENTS } from '../webhook-format.ts';
import { Cuid, Nullable, NStr, Str, errors, isoOf, pageQuery, totalPages } from '../schemas.ts';

const EventName = Type.Enum(JURICHAT_EVENTS);
// Header names are RFC 9110 tokens.
const Headers = Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
  propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
  maxProperties: 50,
});
const DELIVERY_STATUSES = ['PENDING', 'SUCCESS', 'FAILED', 'RETRYING'] as const;

const WebhookCore = {
  id: Str,
  officeId: Str,
  name: Str,
  description: NStr,
  url: Str,
  events: Type.Array(Str),
  isActive: Type.Boolean(),
  createdAt: Str,
  updatedAt: Str,
};
const WebhookWithSecret = Type.Object({ ...WebhookCore, secret: Str, headers: Nullable(Type.Record(Type.String(), Type.String())) });
const WebhookWithHeaders = Type.Object({ ...WebhookCore, headers: Nullable(Type.Record(Type.String(), Type.String())) });
const Stats = Type.Object({ totalDeliveries: Type.Integer(), successCount: Type.Integer(), failedCount: Type.Integer(), successRate: Type.Number() });
const WebhookListItem = Type.Object({ ...WebhookCore, stats: Stats });
const WebhookParams = Type.Object({ webhookId: Cuid });

const core = (w: WebhookSubscription) => ({
  id: w.id,
  officeId: w.workspaceId,
  name: w.name,
  description: w.description,
  url: w.url,
  events: w.events,
  isActive: w.isActive,
  createdAt: isoOf(w.createdAt),
  updatedAt: isoOf(w.updatedAt),
});

export async function webhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, config } = app;

  app.post(
    '/webhooks',
    {
      schema: {
        operationId: 'jurichatCreateWebhook',
        summary: 'Create a webhook; its signing secret is returned here and by GET one',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            events: Type.Array(EventName, { minItems: 1, uniqueItems: true }),
            description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
            isActive: Type.Optional(Type.Boolean()),
            headers: Type.Optional(Nullable(Headers)),
          },
          { additionalProperties: false },
        ),
        response: { 200: WebhookWithSecret },
      },
    },
    async (request) => {
      const b = request.body;
      assertWebhookUrl(b.url, config.allowPrivateWebhooks);
      const w = await createSubscription(ctx, request.principal!.workspaceId, {
        dialect: JURICHAT_DIALECT,
        name: b.name,
        url: b.url,
        events: b.events,
        secret: newWhsecSecret(),
        description: b.description ?? null,
        isActive: b.isActive ?? true,
        headers: b.headers ?? null,
      });
      return { ...core(w), secret: w.secret, headers: w.headers };
    },
  );

  app.get(
    '/webhooks',
    {
      schema: { operationId: 'jurichatListWebhooks', summary: 'Webhooks with delivery stats (no secrets)', response: { 200: Type.Array(WebhookListItem) } },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const webhooks = await listSubscriptions(ctx, ws, JURICHAT_DIALECT);
      const counts = await deliveryCountsBySubscription(
        ctx,
        ws,
        webhooks.map((w) => w.id),
      );
      return webhooks.map((w) => {
        const byStatus = counts.get(w.id) ?? {};
        const count = (status: DeliveryStatus) => byStatus[status] ?? 0;
        const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
        const success = count('SUCCESS');
        return {
          ...core(w),
          stats: {
            totalDeliveries: total,
            successCount: success,
            failedCount: count('FAILED'),
            successRate: total === 0 ? 0 : Math.round((success / total) * 10000) / 100,
          },
        };
      });
    },
  );

  app.get(
    '/webhooks/events',
    {
      schema: { operationId: 'jurichatListWebhookEvents', summary: 'The event names a webhook can subscribe to', response: { 200: Type.Array(Str) } },
    },
    async () => JURICHAT_EVENTS,
  );

  app.get(
    '/webhooks/:webhookId',
    {
      schema: {
        operationId: 'jurichatGetWebhook',
        summary: 'One webhook, with its secret and headers',
        params: WebhookParams,
        response: { 200: WebhookWithSecret, ...errors(404) },
      },
    },
    async (request) => {
      const w = await requireSubscription(ctx, request.principal!.workspaceId, request.params.webhookId, JURICHAT_DIALECT);
      return { ...core(w), secret: w.secret, headers: w.headers };
    },
  );

  app.patch(
    '/webhooks/:webhookId',
    {
      schema: {
        operationId: 'jurichatUpdateWebhook',
        summary: 'Update a webhook (`events` replaces the list; `description`/`headers` null clear; `isActive: false` pauses)',
        params: WebhookParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
            events: Type.Optional(Type.Array(EventName, { minItems: 1, uniqueItems: true })),
            description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
            isActive: Type.Optional(Type.Boolean()),
            headers: Type.Optional(Nullable(Headers)),
          },
          { additionalProperties: false },
        ),
        response: { 200: WebhookWithHeaders, ...errors(404) },
      },
    },
    async (request) => {
      const b = request.body;
      await requireSubscription(ctx, request.principal!.workspaceId, request.params.webhookId, JURICHAT_DIALECT);
      if (b.url !== undefined) assertWebhookUrl(b.url, config.allowPrivateWebhooks);
      const w = await updateSubscription(ctx, request.principal!.workspaceId, request.params.webhookId, JURICHAT_DIALECT, {
        name: b.name,
        url: b.url,
        events: b.events,
        description: b.description,
        isActive: b.isActive,
        headers: b.headers,
      });
      return { ...core(w), headers: w.headers };
    },
  );

  app.delete(
    '/webhooks/:webhookId',
    {
      schema: {
        operationId: 'jurichatDeleteWebhook',
        summary: 'Delete a webhook; what it still had to send is cancelled',
        params: WebhookParams,
        response: { 200: Type.Object({ success: Type.Boolean() }), ...errors(404) },
      },
    },
    async (request) => {
      await deleteSubscription(ctx, request.principal!.workspaceId, request.params.webhookId, JURICHAT_DIALECT);
      return { success: true };
    },
  );

  app.post(
    '/webhooks/:webhookId/test',
    {
      schema: {
        operationId: 'jurichatTestWebhook',
        summary: 'Send a webhook.test event to this webhook now',
        params: WebhookParams,
        response: { 200: Type.Object({ deliveryId: Str, message: Str }), ...errors(404, 409) },
      },
    },
    async (request) => {
      const w = await requireSubscription(ctx, request.principal!.workspaceId, request.params.webhookId, JURICHAT_DIALECT);
      if (!w.isActive) throw conflict('Webhook is paused (isActive: false); activate it to send a test', 'webhook_paused');
      const deliveryId = await sendTestEvent(ctx, request.principal!.workspaceId, w, { type: 'api_key', id: request.principal!.apiKeyId });
      if (!deliveryId) throw conflict('Webhook is paused (isActive: false); activate it to send a test', 'webhook_paused');
      return { deliveryId, message: 'Test event queued for delivery' };
    },
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      schema: {
        operationId: 'jurichatListWebhookDeliveries',
        summary: "A webhook's delivery log, newest first (kept 90 days)",
        params: WebhookParams,
        querystring: Type.Object({
          ...pageQuery(20),
          status: Type.Optional(Type.Enum([...DELIVERY_STATUSES])),
          event: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Str,
                webhookId: Str,
                event: Str,
                statusCode: Nullable(Type.Integer()),
                payload: Type.Unknown(),
                responseBody: NStr,
                errorMessage: NStr,
                durationMs: Nullable(Type.Integer()),
                attemptCount: Type.Integer(),
                nextRetryAt: NStr,
                createdAt: Str,
                expiresAt: Str,
              }),
            ),
            total: Type.Integer(),
            page: Type.Integer(),
            limit: Type.Integer(),
            totalPages: Type.Integer(),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { webhookId } = request.params;
      const { page = 1, limit = 20, status, event } = request.query;
      await requireSubscription(ctx, ws, webhookId, JURICHAT_DIALECT);
      const eventTypes = event
        ? Object.entries(EVENT_TYPES)
            .filter(([, name]) => name === event)
            .map(([type]) => type)
        : undefined;
      const { items, total } = await listDeliveriesByPage(ctx, ws, webhookId, { status, eventTypes }, { page, limit });
      return {
        data: items.map((d) => ({
          id: d.id,
          webhookId: d.subscriptionId,
          event: EVENT_TYPES[d.eventType] ?? d.eventType,
          statusCode: d.statusCode,
          payload: JSON.parse(d.body),
          responseBody: d.responseBody,
          errorMessage: d.errorMessage,
          durationMs: d.durationMs,
          attemptCount: d.attemptCount,
          nextRetryAt: d.status === 'PENDING' || d.status === 'RETRYING' ? isoOf(d.nextAttemptAt) : null,
          createdAt: isoOf(d.createdAt),
          expiresAt: isoOf(d.expiresAt),
        })),
        total,
        page,
        limit,
        totalPages: totalPages(total, limit),
      };
    },
  );

  app.post(
    '/webhooks/deliveries/:deliveryId/retry',
    {
      schema: {
        operationId: 'jurichatRetryWebhookDelivery',
        summary: 'Retry a FAILED or RETRYING delivery now',
        params: Type.Object({ deliveryId: Cuid }),
        response: { 200: Type.Object({ deliveryId: Str, message: Str }), ...errors(404, 409) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { deliveryId } = request.params;
      await retryDialectDelivery(ctx, ws, JURICHAT_DIALECT, deliveryId);
      return { deliveryId, message: 'Retry scheduled' };
    },
  );
}
