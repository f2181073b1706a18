import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, type Principal } from '../../../domain/api-keys.ts';
import { requiredName } from '../../../domain/resources/paging.ts';
import { TAG_MODULES, createTag, deleteTag, getTag, listTagsPage, updateTag } from '../../../domain/tags.ts';
import { notFound } from '../../../domain/errors.ts';
import { peopleInboxesOf, requireVisibleInbox } from '../../../db/repos/people-scope.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { CreateTagBody, TagListQuery, TagShape, UpdateTagBody, presentTag } from '../resources/tags.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['tags'];

/** Tags: agents read those of their inboxes (the others answer 404 like unknown ids); only admins change them (access.ts). */
export async function tagRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  /** The tag, or the 404 of an unknown id when it belongs to an inbox the agent does not work in. */
  const visibleTag = async (principal: Principal, id: string) => {
    const tag = await getTag(ctx, principal.workspaceId, id);
    const inboxIds = peopleInboxesOf(principal);
    if (inboxIds !== null && !inboxIds.includes(tag.inboxId)) throw notFound('tag', id);
    return tag;
  };

  app.get(
    '/tags',
    {
      schema: {
        operationId: 'listTags',
        tags,
        summary: "The workspace's tags in creation order; `inboxId` keeps one inbox's",
        querystring: TagListQuery,
        response: { 200: Page(TagShape), ...errors(404) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (request.query.inboxId) requireVisibleInbox(principal, request.query.inboxId);
      return presentPage(
        await listTagsPage(ctx, principal.workspaceId, { inboxId: request.query.inboxId, inboxIds: peopleInboxesOf(principal) }, pageRequest(request.query)),
        presentTag,
      );
    },
  );

  app.post(
    '/tags',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createTag',
        tags,
        summary: 'Create a tag in an inbox (409 when the inbox has one of that name)',
        body: CreateTagBody,
        response: { 201: TagShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const { inboxId, name, color, modules } = request.body;
      const tag = await createTag(ctx, request.principal!.workspaceId, { inboxId, name: requiredName(name), color, modules: modules ?? [...TAG_MODULES] });
      return reply.code(201).send(presentTag(tag));
    },
  );

  app.get(
    '/tags/:id',
    { schema: { operationId: 'getTag', tags, summary: 'One tag', params: IdParams, response: { 200: TagShape, ...errors(404) } } },
    async (request) => presentTag(await visibleTag(request.principal!, request.params.id)),
  );

  app.patch(
    '/tags/:id',
    {
      schema: {
        operationId: 'updateTag',
        tags,
        summary: 'Rename or recolour a tag, or change its modules (409 when the name is taken in its inbox)',
        params: IdParams,
        body: UpdateTagBody,
        response: { 200: TagShape, ...errors(404, 409) },
      },
    },
    async (request) => {
      const { name, color, modules } = request.body;
      const patch = { name: name === undefined ? undefined : requiredName(name), color, modules };
      return presentTag(await updateTag(ctx, request.principal!.workspaceId, request.params.id, patch));
    },
  );

  app.delete(
    '/tags/:id',
    {
      schema: {
        operationId: 'deleteTag',
        tags,
        summary: 'Delete a tag; it comes off every conversation (each emits `conversation.updated`) and person',
        params: IdParams,
        response: { 204: Deleted, ...errors(404) },
      },
    },
    async (request, reply) => {
      await deleteTag(ctx, request.principal!.workspaceId, request.params.id, actorOf(request.principal!));
      return reply.code(204).send(null);
    },
  );
}
