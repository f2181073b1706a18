import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createUser, deleteUser, getUser, updateUser } from '../../../domain/resources/users.ts';
import { listUsers } from '../../../domain/queries/user-list.ts';
import { IdParams, Page, errors, isoRequired } from '../schemas.ts';
import { inviteUser } from '../../../domain/invitations.ts';
import { CreateUserBody, InviteAnswer, UpdateUserBody, UserListQuery, UserShape, presentUser } from '../resources/users.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['users'];

export async function userRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/users',
    {
      schema: { operationId: 'listUsers', tags, summary: 'List users (agents)', querystring: UserListQuery, response: { 200: Page(UserShape) } },
    },
    async (request) => {
      const { roleId, inboxId, email, search } = request.query;
      return presentPage(await listUsers(ctx, request.principal!.workspaceId, { roleId, inboxId, email, search }, pageRequest(request.query)), presentUser);
    },
  );

  app.post(
    '/users',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Create a user (agent); the e-mail is unique per workspace, case-insensitively (409)',
        body: CreateUserBody,
        response: { 201: UserShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(presentUser(await createUser(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/users/:id',
    {
      schema: { operationId: 'getUser', tags, summary: 'One user (agent)', params: IdParams, response: { 200: UserShape, ...errors(404) } },
    },
    async (request) => presentUser(await getUser(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags,
        summary:
          "Change a user (agent); `inboxIds` replaces the set, null means every inbox. The workspace's last admin with a password cannot become an agent (409 `last_admin`)",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserShape, ...errors(404, 409) },
      },
    },
    async (request) => presentUser(await updateUser(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.post(
    '/users/:id/invite',
    {
      schema: {
        operationId: 'inviteUser',
        tags,
        summary: 'A one-time link where the user chooses a password (7 days)',
        params: IdParams,
        response: { 200: InviteAnswer, ...errors(404) },
      },
    },
    async (request) => {
      const { token, expiresAt } = await inviteUser(ctx, request.principal!.workspaceId, request.params.id);
      return { inviteUrl: `${app.config.publicUrl}/invite/${token}`, expiresAt: isoRequired(expiresAt) };
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        operationId: 'deleteUser',
        tags,
        summary: "Delete a user (agent); the e-mail can be used again. The workspace's last admin with a password cannot be deleted (409 `last_admin`)",
        params: IdParams,
        response: { 204: Deleted, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteUser(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
