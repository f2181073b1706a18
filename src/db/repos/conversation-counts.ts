import { sql } from 'kysely';
import type { Db } from '../connect.ts';
import type { Engine } from '../engine.ts';
import { applyConversationFilters, type ConversationFilters } from './conversation-filters.ts';

/**
 * Exact conversation totals for the list. `conversation_counts` (migration 008) holds how many
 * conversations each (workspace, inbox, archived, status, group) has, kept by triggers in the
 * transaction that changes a conversation; other filters (unread among them: every message changes
 * the unread count) fall back to counting the rows.
 * SQLite keeps one row per key. PostgreSQL appends a +1/−1 row per change instead, so concurrent
 * writers never wait on a shared counter row, and rows of the same key are summed at read and
 * merged now and then.
 */

/** A read that sums more rows than this merges its inbox's rows afterwards (16 keys per inbox once merged). */
const MERGE_ABOVE_ROWS = 64;

/** Whether only the counted columns filter: then the maintained counts answer. */
export function countedFilters(f: ConversationFilters): boolean {
  return !f.scope && !f.personId && !f.priority && !f.userId && !f.roleId && !f.channelId && !f.tagIds?.length && !f.search?.trim() && !f.showOnlyUnread;
}

/** How many conversations the filters select, exactly. */
export async function countConversations(db: Db, engine: Engine, workspaceId: string, f: ConversationFilters): Promise<number> {
  if (!countedFilters(f)) {
    const row = await applyConversationFilters(
      db.selectFrom('conversations as c').select((eb) => eb.fn.countAll<number>().as('n')),
      workspaceId,
      f,
    ).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  let q = db
    .selectFrom('conversation_counts')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('n'), sql.lit(0)).as('n'), eb.fn.countAll<number>().as('rows')])
    .where('workspace_id', '=', workspaceId);
  if (f.inboxId) q = q.where('inbox_id', '=', f.inboxId);
  q = q.where('is_archived', '=', f.onlyArchived ? 1 : 0);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.onlyGroups) q = q.where('is_group', '=', 1);
  else if (f.showGroups === false) q = q.where('is_group', '=', 0);
  const row = await q.executeTakeFirstOrThrow();
  if (engine === 'postgres' && Number(row.rows) > MERGE_ABOVE_ROWS) mergeInBackground(db, workspaceId, f.inboxId ?? null);
  return Number(row.n);
}

const merging = new WeakMap<Db, Set<string>>();

/** Merges after the answer is sent, once at a time per inbox in this process. */
function mergeInBackground(db: Db, workspaceId: string, inboxId: string | null): void {
  const key = `${workspaceId}/${inboxId ?? ''}`;
  const running = merging.get(db) ?? new Set<string>();
  merging.set(db, running);
  if (running.has(key)) return;
  running.add(key);
  // Merging only shortens later sums; one that fails (the store closing, a rare deadlock with another merge) changes no total.
  mergeConversationCounts(db, 'postgres', { workspaceId, inboxId })
    .catch(() => {})
    .finally(() => running.delete(key));
}

/**
 * PostgreSQL: replaces the rows of each key by one row holding their sum (dropping zeros), for one
 * workspace or inbox, or for every inbox that has several rows of a key. One statement: a reader
 * sees the rows before or after it, both summing to the same totals, and rows appended while it
 * runs are outside its snapshot, so they stay. SQLite keeps one row per key: nothing to do.
 */
export async function mergeConversationCounts(db: Db, engine: Engine, only: { workspaceId: string; inboxId: string | null } | null = null): Promise<void> {
  if (engine !== 'postgres') return;
  const where = only
    ? only.inboxId
      ? sql`k.workspace_id = ${only.workspaceId} and k.inbox_id = ${only.inboxId}`
      : sql`k.workspace_id = ${only.workspaceId}`
    : sql`(k.workspace_id, k.inbox_id) in (
        select workspace_id, inbox_id from conversation_counts
        group by workspace_id, inbox_id, is_archived, status, is_group having count(*) > 1)`;
  await sql`
    with gone as (delete from conversation_counts k where ${where} returning k.*)
    insert into conversation_counts (workspace_id, inbox_id, is_archived, status, is_group, n)
    select workspace_id, inbox_id, is_archived, status, is_group, sum(n) from gone
    group by workspace_id, inbox_id, is_archived, status, is_group
    having sum(n) <> 0`.execute(db);
}
