import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import type { ConversationStatus, Priority } from '../../domain/model.ts';
import { searchKey } from '../../domain/text.ts';
import { likePattern } from '../../domain/resources/paging.ts';
import { applyConversationScope, type ConversationScope } from './conversation-scope.ts';

/** The conversation list filters of JuriChat's `GET /conversation`, shared by every dialect. */
export interface ConversationFilters {
  inboxId?: string;
  /** One person's conversations (the contact panel's "other conversations"). */
  personId?: string;
  status?: ConversationStatus;
  priority?: Priority;
  userId?: string;
  roleId?: string;
  tagIds?: string[];
  search?: string;
  channelId?: string;
  showGroups?: boolean;
  onlyGroups?: boolean;
  showOnlyUnread?: boolean;
  onlyArchived?: boolean;
  /** What the caller may see (an agent's inboxes, their own conversations); absent: the whole workspace. */
  scope?: ConversationScope | null;
}

/** The list query both dialects take (JuriChat's names: `tagId`, `integrationId`), as filters. */
export function conversationFiltersOf(
  q: Omit<ConversationFilters, 'tagIds' | 'channelId'> & { tagId?: string[]; integrationId?: string },
): ConversationFilters {
  return {
    inboxId: q.inboxId,
    personId: q.personId,
    status: q.status,
    priority: q.priority,
    userId: q.userId,
    roleId: q.roleId,
    tagIds: q.tagId,
    search: q.search,
    channelId: q.integrationId,
    showGroups: q.showGroups,
    onlyGroups: q.onlyGroups,
    showOnlyUnread: q.showOnlyUnread,
    onlyArchived: q.onlyArchived,
  };
}

export function applyConversationFilters<O>(
  query: SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>,
  workspaceId: string,
  f: ConversationFilters,
): SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O> {
  let q = applyConversationScope(query.where('c.workspace_id', '=', workspaceId), f.scope);
  if (f.inboxId) q = q.where('c.inbox_id', '=', f.inboxId);
  if (f.personId) {
    const personId = f.personId;
    // A person belongs to one inbox: naming it lets the (inbox, person) index find the conversation.
    q = q
      .where('c.person_id', '=', personId)
      .where('c.inbox_id', '=', (eb) =>
        eb.selectFrom('people as pf').select('pf.inbox_id').where('pf.workspace_id', '=', workspaceId).where('pf.id', '=', personId),
      );
  }
  q = q.where('c.is_archived', '=', f.onlyArchived ? 1 : 0);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.priority) q = q.where('c.priority', '=', f.priority);
  if (f.userId) q = q.where('c.assignee_user_id', '=', f.userId);
  if (f.roleId) q = q.where('c.role_id', '=', f.roleId);
  if (f.channelId) q = q.where('c.channel_id', '=', f.channelId);
  if (f.onlyGroups) q = q.where('c.is_group', '=', 1);
  else if (f.showGroups === false) q = q.where('c.is_group', '=', 0);
  if (f.showOnlyUnread) q = q.where('c.unread_count', '>', 0);
  if (f.tagIds && f.tagIds.length > 0) {
    const tagIds = f.tagIds;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('conversation_tags as ct')
          .select('ct.tag_id')
          .whereRef('ct.workspace_id', '=', 'c.workspace_id')
          .whereRef('ct.conversation_id', '=', 'c.id')
          .where('ct.tag_id', 'in', tagIds),
      ),
    );
  }
  if (f.search?.trim()) {
    q = q.where(sql<boolean>`c.search_text like ${likePattern(searchKey(f.search.trim()))} escape '\\'`);
  }
  return q;
}
