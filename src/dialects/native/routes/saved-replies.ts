import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createSavedReply, deleteSavedReply, getSavedReply, listSavedReplies, updateSavedReply } from '../../../domain/resources/saved-replies.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { CreateSavedReplyBody, SavedReplyListQuery, SavedReplyShape, UpdateSavedReplyBody, presentSavedReply } from '../resources/saved-replies.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['saved replies'];

export async function savedReplyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/saved-replies',
    {
      schema: {
        operationId: 'listSavedReplies',
        tags,
        summary: "The workspace's saved replies; `search` keeps the shortcuts starting with it",
        querystring: SavedReplyListQuery,
        response: { 200: Page(SavedReplyShape) },
      },
    },
    async (request) =>
      presentPage(await listSavedReplies(ctx, request.principal!.workspaceId, request.query.search ?? null, pageRequest(request.query)), presentSavedReply),
  );

  app.post(
    '/saved-replies',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createSavedReply',
        tags,
        summary: 'Save a reply under a shortcut (409 when the shortcut is taken)',
        body: CreateSavedReplyBody,
        response: { 201: SavedReplyShape, ...errors(409) },
      },
    },
    async (request, reply) => reply.code(201).send(presentSavedReply(await createSavedReply(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/saved-replies/:id',
    {
      schema: { operationId: 'getSavedReply', tags, summary: 'One saved reply', params: IdParams, response: { 200: SavedReplyShape, ...errors(404) } },
    },
    async (request) => presentSavedReply(await getSavedReply(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/saved-replies/:id',
    {
      schema: {
        operationId: 'updateSavedReply',
        tags,
        summary: "Change a saved reply's shortcut or text",
        params: IdParams,
        body: UpdateSavedReplyBody,
        response: { 200: SavedReplyShape, ...errors(404, 409) },
      },
    },
    async (request) => presentSavedReply(await updateSavedReply(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/saved-replies/:id',
    {
      schema: { operationId: 'deleteSavedReply', tags, summary: 'Delete a saved reply', params: IdParams, response: { 204: Deleted, ...errors(404) } },
    },
    async (request, reply) => {
      await deleteSavedReply(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
