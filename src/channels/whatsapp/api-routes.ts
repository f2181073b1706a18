import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listWebhookLog } from '../../domain/channel-webhook-log.ts';
import { listChannelTemplates } from '../../domain/resources/channels.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { IdParams, Page, PageQuery, errors } from '../../dialects/native/schemas.ts';

const WebhookLogEntry = Type.Object({
  id: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  signatureValid: Type.Boolean(),
  processed: Type.Boolean({ description: 'false while an item of it could not be applied' }),
  body: Type.Unknown({ description: 'The payload as Meta sent it' }),
});
const WebhookLogQuery = Type.Object({ limit: PageQuery.limit, cursor: PageQuery.cursor }, { additionalProperties: false });

const tags = ['channels'];

/** WhatsApp's part of the native API: the approved templates and the raw webhook log of a channel. */
export async function whatsappApiRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/channels/:id/templates',
    {
      schema: {
        operationId: 'listChannelTemplates',
        tags,
        summary: "A WhatsApp channel's approved message templates, as Meta's Graph API lists them (needs `wabaId`)",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(Type.Unknown()) }), ...errors(404, 409) },
      },
    },
    async (request) => ({ data: await listChannelTemplates(ctx, request.principal!.workspaceId, request.params.id) }),
  );

  app.get(
    '/channels/:id/webhook-log',
    {
      schema: {
        operationId: 'listChannelWebhookLog',
        tags,
        summary: 'The raw webhooks a WhatsApp channel received in the last 7 days, newest first',
        params: IdParams,
        querystring: WebhookLogQuery,
        response: { 200: Page(WebhookLogEntry), ...errors(404) },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query;
      const beforeId = cursor ? decodeCursor(cursor, ['string'])[0] : null;
      const page = await listWebhookLog(ctx, request.principal!.workspaceId, request.params.id, { limit, beforeId });
      return {
        data: page.items.map((e) => ({ ...e, receivedAt: new Date(e.receivedAt).toISOString() })),
        nextCursor: page.nextBeforeId ? encodeCursor([page.nextBeforeId]) : null,
      };
    },
  );
}
