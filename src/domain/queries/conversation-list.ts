import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { Ctx } from '../context.ts';
import type { Conversation, Message } from '../model.ts';
import type { Db } from '../../db/connect.ts';
import type { ConversationTable, Database } from '../../db/schema.ts';
import { conversationFromRow } from '../../db/rows.ts';
import { applyConversationFilters, type ConversationFilters } from '../../db/repos/conversation-filters.ts';
import { countConversations } from '../../db/repos/conversation-counts.ts';
import {
  groupsByIds,
  messagesByIds,
  namesByIds,
  tagsByConversation,
  usersByIds,
  type GroupSummary,
  type Named,
  type PersonSummary,
  type TagSummary,
  type UserSummary,
} from '../../db/repos/conversation-views.ts';
import { pageOffset, type CursorPage, type CursorPageRequest, type NumberedPage, type NumberedPageRequest } from '../resources/paging.ts';

/** Newest activity first; `pinnedFirst` puts the pinned (isFixed) conversations before the others. */
export type ConversationOrder = 'activity' | 'pinnedFirst';

/** Where a keyset page of conversations starts: the sort key of the last one shown (`isFixed` counts only in `pinnedFirst` order). */
export interface ConversationCursor {
  isFixed: boolean;
  lastActivityAt: number;
  id: string;
}

/** A conversation of a list with its person's summary (null for a group's conversation). */
export interface ConversationListItem {
  conversation: Conversation;
  person: PersonSummary | null;
}

/** What a list item shows beside the conversation: the names of what it points at, its tags and its last message. */
export interface ConversationListRelations {
  group: GroupSummary | null;
  assignee: UserSummary | null;
  role: Named | null;
  inbox: Named | null;
  channel: Named | null;
  /** By name. */
  tags: TagSummary[];
  lastMessage: Message | null;
  /** The agent who sent the last message, when an agent did. */
  lastMessageSender: UserSummary | null;
}

type ConversationQuery<O> = SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>;
type ListRow = Selectable<ConversationTable> & { p_id: string | null; p_name: string | null; p_image_url: string | null; p_phone_number: string | null };

/**
 * One numbered page of the conversations the filters select, in `order`, with the exact number of
 * them. The page's ids come from the list index alone (a deferred join), so a deep page skips index
 * entries, not rows; the total comes from the maintained counts when the filters allow it.
 */
export async function listConversationsByPage(
  ctx: Ctx,
  workspaceId: string,
  filters: ConversationFilters,
  order: ConversationOrder,
  paging: NumberedPageRequest,
): Promise<NumberedPage<ConversationListItem>> {
  const [total, idRows] = await Promise.all([
    countConversations(ctx.db, ctx.engine, workspaceId, filters),
    inOrder(applyConversationFilters(ctx.db.selectFrom('conversations as c').select('c.id'), workspaceId, filters), order)
      .limit(paging.limit)
      .offset(pageOffset(paging.page, paging.limit))
      .execute(),
  ]);
  const ids = idRows.map((r) => r.id);
  if (ids.length === 0) return { items: [], total };
  const [rows, tagIds] = await Promise.all([
    withPersonSummary(ctx.db.selectFrom('conversations as c').selectAll('c')).where('c.workspace_id', '=', workspaceId).where('c.id', 'in', ids).execute(),
    tagIdsByConversation(ctx.db, workspaceId, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  // A conversation is never deleted, but one missing between the two queries is left out rather than shown empty.
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [listItem(row, tagIds)] : [];
  });
  return { items, total };
}

/** One keyset page of the conversations the filters select, in `order`, after `paging.after`; any depth costs what the first page costs. */
export async function listConversationsAfter(
  ctx: Ctx,
  workspaceId: string,
  filters: ConversationFilters,
  order: ConversationOrder,
  paging: CursorPageRequest<ConversationCursor>,
): Promise<CursorPage<ConversationListItem, ConversationCursor>> {
  const { after, limit } = paging;
  const filtered = () => applyConversationFilters(ctx.db.selectFrom('conversations as c').selectAll('c'), workspaceId, filters);
  // One keyset walk on (last activity, id), newest first; the person's summary comes with it (one query, not one per row).
  const pageAfter = (query: ReturnType<typeof filtered>, key: ConversationCursor | null, count: number) =>
    withPersonSummary(key ? query.where((eb) => eb(eb.refTuple('c.last_activity_at', 'c.id'), '<', eb.tuple(key.lastActivityAt, key.id))) : query)
      .orderBy('c.last_activity_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(count)
      .execute();
  let rows: ListRow[];
  if (order === 'pinnedFirst') {
    // The pinned ones by activity, then the others by activity: two index walks instead of sorting
    // the whole workspace on (pinned, activity) for every page.
    const inPinned = after ? after.isFixed : true;
    rows = inPinned ? await pageAfter(filtered().where('c.is_fixed', '=', 1), after, limit + 1) : [];
    if (rows.length <= limit) rows = [...rows, ...(await pageAfter(filtered().where('c.is_fixed', '=', 0), inPinned ? null : after, limit + 1 - rows.length))];
  } else {
    rows = await pageAfter(filtered(), after, limit + 1);
  }
  const page = rows.slice(0, limit);
  const tagIds = await tagIdsByConversation(
    ctx.db,
    workspaceId,
    page.map((r) => r.id),
  );
  const items = page.map((r) => listItem(r, tagIds));
  const last = items[items.length - 1]?.conversation;
  return {
    items,
    next: rows.length > limit && last ? { isFixed: last.isFixed, lastActivityAt: last.lastActivityAt, id: last.id } : null,
  };
}

/** One conversation with its person's summary, as a list shows it; null when it is not in the workspace. */
export async function findConversationWithPerson(db: Db, workspaceId: string, id: string): Promise<ConversationListItem | null> {
  const [row, tagIds] = await Promise.all([
    withPersonSummary(db.selectFrom('conversations as c').selectAll('c')).where('c.workspace_id', '=', workspaceId).where('c.id', '=', id).executeTakeFirst(),
    tagIdsByConversation(db, workspaceId, [id]),
  ]);
  return row ? listItem(row, tagIds) : null;
}

/** The relations of each conversation, in the same order: one query per kind, never one per conversation. */
export async function conversationListRelations(db: Db, workspaceId: string, conversations: Conversation[]): Promise<ConversationListRelations[]> {
  if (conversations.length === 0) return [];
  const lastMessages = await messagesByIds(
    db,
    workspaceId,
    conversations.map((c) => c.lastMessageId),
  );
  const [groups, users, roles, inboxes, channels, tags] = await Promise.all([
    groupsByIds(
      db,
      workspaceId,
      conversations.map((c) => c.groupId),
    ),
    usersByIds(db, workspaceId, [...conversations.map((c) => c.assigneeUserId), ...[...lastMessages.values()].map((m) => m.senderUserId)]),
    namesByIds(
      db,
      'roles',
      workspaceId,
      conversations.map((c) => c.roleId),
    ),
    namesByIds(
      db,
      'inboxes',
      workspaceId,
      conversations.map((c) => c.inboxId),
    ),
    namesByIds(
      db,
      'channels',
      workspaceId,
      conversations.map((c) => c.channelId),
    ),
    tagsByConversation(
      db,
      workspaceId,
      conversations.map((c) => c.id),
    ),
  ]);
  return conversations.map((c) => {
    const lastMessage = c.lastMessageId ? (lastMessages.get(c.lastMessageId) ?? null) : null;
    return {
      group: c.groupId ? (groups.get(c.groupId) ?? null) : null,
      assignee: c.assigneeUserId ? (users.get(c.assigneeUserId) ?? null) : null,
      role: c.roleId ? (roles.get(c.roleId) ?? null) : null,
      inbox: inboxes.get(c.inboxId) ?? null,
      channel: channels.get(c.channelId) ?? null,
      tags: tags.get(c.id) ?? [],
      lastMessage,
      lastMessageSender: lastMessage?.senderUserId ? (users.get(lastMessage.senderUserId) ?? null) : null,
    };
  });
}

function inOrder<O>(query: ConversationQuery<O>, order: ConversationOrder): ConversationQuery<O> {
  const pinned = order === 'pinnedFirst' ? query.orderBy('c.is_fixed', 'desc') : query;
  return pinned.orderBy('c.last_activity_at', 'desc').orderBy('c.id', 'desc');
}

/** The conversation rows with their person's summary (a left join in the same workspace: never another workspace's person). */
function withPersonSummary<O>(query: ConversationQuery<O>) {
  return query
    .leftJoin('people as p', (join) => join.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.person_id'))
    .select(['p.id as p_id', 'p.name as p_name', 'p.image_url as p_image_url', 'p.phone_number as p_phone_number']);
}

function listItem(r: ListRow, tagIds: Map<string, string[]>): ConversationListItem {
  return {
    conversation: conversationFromRow(r, tagIds.get(r.id) ?? []),
    person: r.p_id === null ? null : { id: r.p_id, name: r.p_name, imageUrl: r.p_image_url, phoneNumber: r.p_phone_number },
  };
}

/** Each conversation's tag ids, by id. Ordered as the primary key runs: ordered by tag alone, SQLite walked the workspace's whole tag index. */
async function tagIdsByConversation(db: Db, workspaceId: string, conversationIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (conversationIds.length === 0) return map;
  const rows = await db
    .selectFrom('conversation_tags')
    .select(['conversation_id', 'tag_id'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', 'in', conversationIds)
    .orderBy('conversation_id')
    .orderBy('tag_id')
    .execute();
  for (const r of rows) (map.get(r.conversation_id) ?? map.set(r.conversation_id, []).get(r.conversation_id)!).push(r.tag_id);
  return map;
}
