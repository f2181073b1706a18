import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { Db } from '../connect.ts';
import type { Principal } from '../../domain/api-keys.ts';
import { notFound } from '../../domain/errors.ts';

/** The conversations an agent may see: those of their inboxes (null: every inbox), only theirs when assigneeUserId is set. */
export interface ConversationScope {
  inboxIds: string[] | null;
  assigneeUserId: string | null;
}

/** null for API keys and admins: the whole workspace. */
export function scopeOf(p: Principal): ConversationScope | null {
  if (p.access !== 'agent') return null;
  return { inboxIds: p.inboxIds, assigneeUserId: p.onlyAssignedConversations ? p.userId : null };
}

export function applyConversationScope<O>(
  query: SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>,
  scope: ConversationScope | null | undefined,
): SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O> {
  if (!scope) return query;
  let q = query;
  if (scope.inboxIds !== null) q = scope.inboxIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('c.inbox_id', 'in', scope.inboxIds);
  if (scope.assigneeUserId !== null) q = q.where('c.assignee_user_id', '=', scope.assigneeUserId);
  return q;
}

/**
 * 404, exactly as for an unknown id, when the conversation is outside the caller's scope; checked
 * in the query, before the route reads or changes anything.
 */
export async function requireVisibleConversation(db: Db, p: Principal, id: string): Promise<void> {
  const scope = scopeOf(p);
  if (!scope) return;
  const query = db.selectFrom('conversations as c').select('c.id').where('c.workspace_id', '=', p.workspaceId).where('c.id', '=', id);
  if (!(await applyConversationScope(query, scope).executeTakeFirst())) throw notFound('conversation', id);
}
