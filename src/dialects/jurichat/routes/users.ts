import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import { requireExisting } from '../../../domain/lookups.ts';
import { findWorkspace } from '../../../domain/workspaces.ts';
import { namesByIds } from '../../../db/repos/conversation-views.ts';
import { likePattern } from '../../../domain/resources/paging.ts';
import { Cuid, NamedRef, Nullable, NStr, Str, errors, isoOf, pageQuery, totalPages, pageOffset } from '../schemas.ts';

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
      let q = db.selectFrom('users as u').where('u.workspace_id', '=', ws).where('u.deleted_at', 'is', null);
      if (roleId) q = q.where('u.role_id', '=', roleId);
      if (inboxId) {
        q = q.where((eb) =>
          eb.or([
            eb('u.all_inboxes', '=', 1),
            eb.exists(
              eb
                .selectFrom('user_inboxes as ui')
                .select('ui.user_id')
                .whereRef('ui.workspace_id', '=', 'u.workspace_id')
                .whereRef('ui.user_id', '=', 'u.id')
                .where('ui.inbox_id', '=', inboxId),
            ),
          ]),
        );
      }
      if (search?.trim()) {
        const needle = likePattern(search.trim().toLowerCase());
        q = q.where(sql<boolean>`(lower(u.name) like ${needle} escape '\\' or u.email_key like ${needle} escape '\\')`);
      }
      const [count, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        q.selectAll('u').orderBy('u.name').orderBy('u.id').limit(limit).offset(pageOffset(page, limit)).execute(),
      ]);
      const ids = rows.map((r) => r.id);
      const [workspace, roles, links, allInboxes] = await Promise.all([
        findWorkspace(db, ws),
        namesByIds(
          db,
          'roles',
          ws,
          rows.map((r) => r.role_id),
        ),
        ids.length ? db.selectFrom('user_inboxes').select(['user_id', 'inbox_id']).where('workspace_id', '=', ws).where('user_id', 'in', ids).execute() : [],
        db.selectFrom('inboxes').select(['id', 'name']).where('workspace_id', '=', ws).where('deleted_at', 'is', null).orderBy('id').execute(),
      ]);
      const inboxName = new Map(allInboxes.map((i) => [i.id, i.name]));
      const total = Number(count.n);
      return {
        data: rows.map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          contact: u.contact,
          imageUrl: u.image_url,
          notificationSound: u.notification_sound === 1,
          officeId: ws,
          roleId: u.role_id,
          createdAt: isoOf(u.created_at),
          role: u.role_id ? (roles.get(u.role_id) ?? null) : null,
          office: { id: ws, name: workspace?.name ?? '' },
          inboxes:
            u.all_inboxes === 1
              ? allInboxes
              : links.filter((l) => l.user_id === u.id && inboxName.has(l.inbox_id)).map((l) => ({ id: l.inbox_id, name: inboxName.get(l.inbox_id)! })),
          lastInboxUsed: u.last_inbox_used_id,
          onlyAssignedConversations: u.only_assigned_conversations === 1,
        })),
        totalResults: total,
        totalPages: totalPages(total, limit),
      };
    },
  );
}
