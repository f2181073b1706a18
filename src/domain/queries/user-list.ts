import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import type { User } from '../model.ts';
import { emailKey } from '../text.ts';
import { userFromRow } from '../../db/rows.ts';
import { userInboxIds } from '../../db/repos/resources.ts';
import { namesByIds, type Named } from '../../db/repos/conversation-views.ts';
import { likePattern, pageByIdWith, pageOffset, type NumberedPage, type NumberedPageRequest, type PageRequest, type PageResult } from '../resources/paging.ts';

export interface UserFilter {
  roleId?: string;
  /** Users who work in this inbox: attached to it, or to every inbox. */
  inboxId?: string;
  email?: string;
  /** A part of the name or of the e-mail address, any case. */
  search?: string;
}

/** A user of a list with the names a list shows: the role's, and the live inboxes they work in (by id). */
export interface UserListItem {
  user: User;
  role: Named | null;
  inboxes: Named[];
}

/** The workspace's live users the filter selects. */
function filteredUsers(ctx: Ctx, workspaceId: string, filter: UserFilter) {
  let q = ctx.db.selectFrom('users as u').selectAll('u').where('u.workspace_id', '=', workspaceId).where('u.deleted_at', 'is', null);
  if (filter.roleId) q = q.where('u.role_id', '=', filter.roleId);
  if (filter.email) q = q.where('u.email_key', '=', emailKey(filter.email));
  if (filter.inboxId) {
    const inboxId = filter.inboxId;
    q = q.where((eb) =>
      eb.or([
        eb('u.all_inboxes', '=', 1),
        eb.exists(
          eb
            .selectFrom('user_inboxes as ui')
            .select('ui.inbox_id')
            .whereRef('ui.workspace_id', '=', 'u.workspace_id')
            .whereRef('ui.user_id', '=', 'u.id')
            .where('ui.inbox_id', '=', inboxId),
        ),
      ]),
    );
  }
  if (filter.search?.trim()) {
    const pattern = likePattern(filter.search.trim().toLowerCase());
    q = q.where(sql<boolean>`(lower(u.name) like ${pattern} escape '\\' or u.email_key like ${pattern} escape '\\')`);
  }
  return q;
}

/** One keyset page of users by id, after `page.afterId`. */
export function listUsers(ctx: Ctx, workspaceId: string, filter: UserFilter, page: PageRequest): Promise<PageResult<User>> {
  return pageByIdWith(filteredUsers(ctx, workspaceId, filter), page, async (rows) => {
    const inboxes = await userInboxIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => userFromRow(r, inboxes.get(r.id) ?? []));
  });
}

/** One numbered page of users by name (then id), with the exact number of them and the names a list shows. */
export async function listUsersByPage(ctx: Ctx, workspaceId: string, filter: UserFilter, paging: NumberedPageRequest): Promise<NumberedPage<UserListItem>> {
  const q = filteredUsers(ctx, workspaceId, filter);
  const [count, rows] = await Promise.all([
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    q.orderBy('u.name').orderBy('u.id').limit(paging.limit).offset(pageOffset(paging.page, paging.limit)).execute(),
  ]);
  const [links, roles, liveInboxes] = await Promise.all([
    userInboxIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.id),
    ),
    namesByIds(
      ctx.db,
      'roles',
      workspaceId,
      rows.map((r) => r.role_id),
    ),
    ctx.db.selectFrom('inboxes').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null).orderBy('id').execute(),
  ]);
  const live = new Map(liveInboxes.map((i) => [i.id, i]));
  const items = rows.map((r) => {
    const user = userFromRow(r, links.get(r.id) ?? []);
    return {
      user,
      role: user.roleId ? (roles.get(user.roleId) ?? null) : null,
      inboxes: user.inboxIds === null ? liveInboxes : user.inboxIds.flatMap((id) => live.get(id) ?? []),
    };
  });
  return { items, total: Number(count.n) };
}
