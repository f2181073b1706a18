import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createChannel, deleteChannel, getChannel, listChannels, updateChannel } from '../../../domain/resources/channels.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { ChannelListQuery, ChannelShape, CreateChannelBody, UpdateChannelBody, presentChannel } from '../resources/channels.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

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
}
