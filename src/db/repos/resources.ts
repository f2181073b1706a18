import type { Selectable } from 'kysely';
import type * as S from '../schema.ts';
import type { ApiKey } from '../../domain/model.ts';
import type { Db } from '../connect.ts';
import type { Tx } from './tx.ts';

/** Row mappers and bulk child lookups for the workspace resources (the rest live in rows.ts). */

export function apiKeyFromRow(r: Selectable<S.ApiKeyTable>): ApiKey {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    prefix: r.prefix,
    clientId: r.client_id,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

function groupBy<R>(rows: R[], key: (r: R) => string, value: (r: R) => string, keys: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const r of rows) map.get(key(r))?.push(value(r));
  return map;
}

/** The inbox ids each user is explicitly attached to (meaningful only when all_inboxes = 0). */
export async function userInboxIds(db: Db | Tx, workspaceId: string, userIds: string[]): Promise<Map<string, string[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('user_inboxes')
    .select(['user_id', 'inbox_id'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .orderBy('inbox_id')
    .execute();
  return groupBy(
    rows,
    (r) => r.user_id,
    (r) => r.inbox_id,
    userIds,
  );
}

export async function personTagIds(db: Db | Tx, workspaceId: string, personIds: string[]): Promise<Map<string, string[]>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('person_tags')
    .select(['person_id', 'tag_id'])
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', personIds)
    .orderBy('tag_id')
    .execute();
  return groupBy(
    rows,
    (r) => r.person_id,
    (r) => r.tag_id,
    personIds,
  );
}

/** Current members (is_member = 1) of each group. */
export async function groupMemberIds(db: Db | Tx, workspaceId: string, groupIds: string[]): Promise<Map<string, string[]>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('group_members')
    .select(['group_id', 'person_id'])
    .where('workspace_id', '=', workspaceId)
    .where('group_id', 'in', groupIds)
    .where('is_member', '=', 1)
    .orderBy('person_id')
    .execute();
  return groupBy(
    rows,
    (r) => r.group_id,
    (r) => r.person_id,
    groupIds,
  );
}
