import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createGroup, getGroup, listGroups, setGroupMembers, updateGroup } from '../../../domain/resources/groups.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { CreateGroupBody, GroupListQuery, GroupMembersBody, GroupShape, UpdateGroupBody, presentGroup } from '../resources/groups.ts';
import { pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['groups'];

export async function groupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/groups',
    {
      schema: { operationId: 'listGroups', tags, summary: 'List groups', querystring: GroupListQuery, response: { 200: Page(GroupShape) } },
    },
    async (request) => {
      const { inboxId, channelId, externalId } = request.query;
      return presentPage(await listGroups(ctx, request.principal!.workspaceId, { inboxId, channelId, externalId }, pageRequest(request.query)), presentGroup);
    },
  );

  app.post(
    '/groups',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createGroup',
        tags,
        summary: "Create a group on a channel (its inbox is the channel's); `externalId` is unique per inbox (409)",
        body: CreateGroupBody,
        response: { 201: GroupShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(presentGroup(await createGroup(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/groups/:id',
    {
      schema: { operationId: 'getGroup', tags, summary: 'One group with its current members', params: IdParams, response: { 200: GroupShape, ...errors(404) } },
    },
    async (request) => presentGroup(await getGroup(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/groups/:id',
    {
      schema: {
        operationId: 'updateGroup',
        tags,
        summary: 'Rename a group or change its image or externalId',
        params: IdParams,
        body: UpdateGroupBody,
        response: { 200: GroupShape, ...errors(404, 409) },
      },
    },
    async (request) => presentGroup(await updateGroup(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.put(
    '/groups/:id/members',
    {
      schema: {
        operationId: 'replaceGroupMembers',
        tags,
        summary: "Replace the membership: people of the group's inbox; those left out stop being members",
        params: IdParams,
        body: GroupMembersBody,
        response: { 200: GroupShape, ...errors(404) },
      },
    },
    async (request) => presentGroup(await setGroupMembers(ctx, request.principal!.workspaceId, request.params.id, request.body.personIds)),
  );
}
