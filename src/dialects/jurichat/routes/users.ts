import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireExisting } from '../../../domain/lookups.ts';
import { findWorkspace } from '../../../domain/workspaces.ts';
import { listUsersByPage } from '../../../domain/queries/user-list.ts';
import { Cuid, NamedRef, Nullable, NStr, Str, errors, isoOf, pageQuery, totalPages } from '../schemas.ts';

const UserShape = Type.Object({
  id: Str,
  name: Str,
  email: Str,
  contact: NStr,
  imageUrl: NStr,
  notificationSound: Type.Boolean(),
  officeId: Str,
  roleId: NStr,
  createdAt: Str,
  role: Nullable(NamedRef),
  office: NamedRef,
  inboxes: Type.Array(NamedRef),
  lastInboxUsed: NStr,
  onlyAssignedConversations: Type.Boolean(),
});

export async function userRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/user',
    {
      schema: {
        operationId: 'jurichatListUsers',
        summary: 'Users (agents), optionally those of one inbox, searched by name or e-mail, or of one role',
        querystring: Type.Object({
          inboxId: Type.Optional(Cuid),
          ...pageQuery(20),
          search: Type.Optional(Type.String({ maxLength: 200 })),
          roleId: Type.Optional(Cuid),
        }),
        response: { 200: Type.Object({ data: Type.Array(UserShape), totalResults: Type.Integer(), totalPages: Type.Integer() }), ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { inboxId, page = 1, limit = 20, search, roleId } = request.query;
      if (inboxId) await requireExisting(db, 'inboxes', ws, inboxId);
      if (roleId) await requireExisting(db, 'roles', ws, roleId);
      const [{ items, total }, workspace] = await Promise.all([
        listUsersByPage(app.ctx, ws, { inboxId, search, roleId }, { page, limit }),
        findWorkspace(db, ws),
      ]);
      return {
        data: items.map(({ user: u, role, inboxes }) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          contact: u.contact,
          imageUrl: u.imageUrl,
          notificationSound: u.notificationSound,
          officeId: ws,
          roleId: u.roleId,
          createdAt: isoOf(u.createdAt),
          role,
          office: { id: ws, name: workspace?.name ?? '' },
          inboxes,
          lastInboxUsed: u.lastInboxUsedId,
          onlyAssignedConversations: u.onlyAssignedConversations,
        })),
        totalResults: total,
        totalPages: totalPages(total, limit),
      };
    },
  );
}
