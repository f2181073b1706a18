import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../../domain/resources/roles.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { CreateRoleBody, RoleListQuery, RoleShape, UpdateRoleBody, presentRole } from '../resources/roles.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['roles'];

export async function roleRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/roles',
    {
      schema: { operationId: 'listRoles', tags, summary: 'List roles (queues, teams)', querystring: RoleListQuery, response: { 200: Page(RoleShape) } },
    },
    async (request) => presentPage(await listRoles(ctx, request.principal!.workspaceId, pageRequest(request.query)), presentRole),
  );

  app.post(
    '/roles',
    {
      config: { idempotent: true },
      schema: { operationId: 'createRole', tags, summary: 'Create a role', body: CreateRoleBody, response: { 201: RoleShape } },
    },
    async (request, reply) => reply.code(201).send(presentRole(await createRole(ctx, request.principal!.workspaceId, request.body))),
  );

  app.get(
    '/roles/:id',
    {
      schema: { operationId: 'getRole', tags, summary: 'One role', params: IdParams, response: { 200: RoleShape, ...errors(404) } },
    },
    async (request) => presentRole(await getRole(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/roles/:id',
    {
      schema: {
        operationId: 'updateRole',
        tags,
        summary: 'Rename a role',
        params: IdParams,
        body: UpdateRoleBody,
        response: { 200: RoleShape, ...errors(404) },
      },
    },
    async (request) => presentRole(await updateRole(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/roles/:id',
    {
      schema: {
        operationId: 'deleteRole',
        tags,
        summary: 'Delete a role; users that had it are left without one',
        params: IdParams,
        response: { 204: Deleted, ...errors(404) },
      },
    },
    async (request, reply) => {
      await deleteRole(ctx, request.principal!.workspaceId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
