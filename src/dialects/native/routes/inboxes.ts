import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createInbox, deleteInbox, getInbox, listInboxes, updateInbox } from '../../../domain/resources/inboxes.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { CreateInboxBody, InboxListQuery, InboxShape, UpdateInboxBody, presentInbox } from '../resources/inboxes.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['inboxes'];

export async function inboxRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/inboxes',
    {
      schema: { operationId: 'listInboxes', tags, summary: 'List inboxes', querystring: InboxListQuery, response: { 200: Page(InboxShape) } },
    },
    async (request) => presentPage(await listInboxes(ctx, request.principal!.workspaceId, pageRequest(request.query)), presentInbox),
  );

  app.post(
    '/inboxes',
    {
      config: { idempotent: true },
      schema: { operationId: 'createInbox', tags, summary: 'Create an inbox', body: CreateInboxBody, response: { 201: InboxShape } },
    },
    async (request, reply) => reply.code(201).send(presentInbox(await createInbox(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/inboxes/:id',
    {
      schema: { operationId: 'getInbox', tags, summary: 'One inbox', params: IdParams, response: { 200: InboxShape, ...errors(404) } },
    },
    async (request) => presentInbox(await getInbox(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/inboxes/:id',
    {
      schema: {
        operationId: 'updateInbox',
        tags,
        summary: 'Rename an inbox or change its inactivity timeout',
        params: IdParams,
        body: UpdateInboxBody,
        response: { 200: InboxShape, ...errors(404) },
      },
    },
    async (request) => presentInbox(await updateInbox(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/inboxes/:id',
    {
      schema: {
        operationId: 'deleteInbox',
        tags,
        summary: 'Delete an inbox; refused (409) while it has live channels',
        params: IdParams,
        response: { 204: Deleted, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteInbox(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
