import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel } from '../../../domain/resources/channels.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { ChannelListQuery, ChannelShape, CreateChannelBody, UpdateChannelBody, presentChannel } from '../resources/channels.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';
import { Type } from 'typebox';
import { listChannelTemplates, listWebhookLog } from '../../../domain/channel-webhook-log.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { PageQuery } from '../schemas.ts';

const WebhookLogEntry = Type.Object({
  id: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  signatureValid: Type.Boolean(),
  processed: Type.Boolean({ description: 'false while an item of it could not be applied' }),
  body: Type.Unknown({ description: 'The payload as Meta sent it' }),
});
const WebhookLogQuery = Type.Object({ limit: PageQuery.limit, cursor: PageQuery.cursor }, { additionalProperties: false });

const tags = ['channels'];

export async function channelRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/channels',
    {
      schema: { operationId: 'listChannels', tags, summary: 'List channels', querystring: ChannelListQuery, response: { 200: Page(ChannelShape) } },
    },
    async (request) => {
      const { inboxId, kind } = request.query;
      return presentPage(await listChannels(ctx, request.principal!.workspaceId, { inboxId, kind }, pageRequest(request.query)), (c) => presentChannel(ctx, c));
    },
  );

  app.post(
    '/channels',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createChannel',
        tags,
        summary: "Create a channel in an inbox: `sandbox`, or `whatsapp` (a number of Meta's Cloud API; 409 when another channel has its phoneNumberId)",
        body: CreateChannelBody,
        response: { 201: ChannelShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(presentChannel(ctx, await createChannel(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/channels/:id',
    {
      schema: { operationId: 'getChannel', tags, summary: 'One channel', params: IdParams, response: { 200: ChannelShape, ...errors(404) } },
    },
    async (request) => presentChannel(ctx, await getChannel(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/channels/:id',
    {
      schema: {
        operationId: 'updateChannel',
        tags,
        summary: 'Rename a channel or replace its config (its inbox and kind are fixed)',
        params: IdParams,
        body: UpdateChannelBody,
        response: { 200: ChannelShape, ...errors(404, 409) },
      },
    },
    async (request) => presentChannel(ctx, await updateChannel(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/channels/:id',
    {
      schema: {
        operationId: 'deleteChannel',
        tags,
        summary: 'Delete a channel; refused (409) while it has conversations or live bots',
        params: IdParams,
        response: { 204: Deleted, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteChannel(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );

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
