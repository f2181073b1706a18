import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createBot, deleteBot, getBot, listBots, updateBot } from '../../../domain/resources/bots.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { BotListQuery, BotShape, CreateBotBody, UpdateBotBody, presentBot } from '../resources/bots.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['bots'];

export async function botRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/bots',
    {
      schema: { operationId: 'listBots', tags, summary: 'List bots', querystring: BotListQuery, response: { 200: Page(BotShape) } },
    },
    async (request) => {
      const { inboxId, channelId } = request.query;
      return presentPage(await listBots(ctx, request.principal!.workspaceId, { inboxId, channelId }, pageRequest(request.query)), presentBot);
    },
  );

  app.post(
    '/bots',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createBot',
        tags,
        summary: "Create a bot on a channel (its inbox is the channel's)",
        body: CreateBotBody,
        response: { 201: BotShape, ...errors(404) },
      },
    },
    async (request, reply) => reply.code(201).send(presentBot(await createBot(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/bots/:id',
    {
      schema: { operationId: 'getBot', tags, summary: 'One bot', params: IdParams, response: { 200: BotShape, ...errors(404) } },
    },
    async (request) => presentBot(await getBot(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/bots/:id',
    {
      schema: {
        operationId: 'updateBot',
        tags,
        summary: "Rename a bot, change its type or move it to another channel (and that channel's inbox)",
        params: IdParams,
        body: UpdateBotBody,
        response: { 200: BotShape, ...errors(404) },
      },
    },
    async (request) => presentBot(await updateBot(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/bots/:id',
    {
      schema: { operationId: 'deleteBot', tags, summary: 'Delete a bot', params: IdParams, response: { 204: Deleted, ...errors(404) } },
    },
    async (request, reply) => {
      await deleteBot(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
