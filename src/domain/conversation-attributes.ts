import type { Ctx, Actor } from './context.ts';
import type { Conversation, Priority } from './model.ts';
import { invalid, notFound } from './errors.ts';
import { lockConversation } from './conversations.ts';
import { requireExisting } from './lookups.ts';
import { conversationSnapshot } from './snapshots.ts';
import { emitEvent } from '../events/outbox.ts';
import { flag } from '../db/rows.ts';

export interface ConversationChanges {
  isFixed?: boolean;
  isArchived?: boolean;
  priority?: Priority;
  /** Replaces the set; every tag must be a tag of the conversation's inbox. */
  tagIds?: string[];
  roleId?: string | null;
  agentId?: string | null;
}

/**
 * Pin, archive, priority, tags, role and bot of a conversation. A change of any of them emits one
 * `conversation.updated` (with the unchanged status as `previousStatus`); setting what is already set emits nothing.
 */
export async function updateConversation(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  changes: ConversationChanges,
  actor: Actor,
): Promise<Conversation> {
  return ctx.transact(async (trx) => {
    const c = await lockConversation(ctx, trx, workspaceId, conversationId);
    if (!c) throw notFound('conversation', conversationId);
    if (changes.roleId) await requireExisting(trx, 'roles', workspaceId, changes.roleId);
    if (changes.agentId) {
      const bot = await trx
        .selectFrom('bots')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', changes.agentId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!bot) throw notFound('agent', changes.agentId);
    }
    let tagIds = c.tagIds;
    if (changes.tagIds) {
      const wanted = [...new Set(changes.tagIds)].sort();
      if (wanted.length > 0) {
        const found = await trx
          .selectFrom('tags')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('inbox_id', '=', c.inboxId)
          .where('id', 'in', wanted)
          .execute();
        const known = new Set(found.map((t) => t.id));
        const unknown = wanted.filter((id) => !known.has(id));
        if (unknown.length > 0) throw invalid(`tags: unknown tag ${unknown.join(', ')} in this inbox`, 'unknown_tag', 'tags');
      }
      tagIds = wanted;
    }
    const next: Conversation = {
      ...c,
      isFixed: changes.isFixed ?? c.isFixed,
      isArchived: changes.isArchived ?? c.isArchived,
      priority: changes.priority ?? c.priority,
      roleId: changes.roleId !== undefined ? changes.roleId : c.roleId,
      agentId: changes.agentId !== undefined ? changes.agentId : c.agentId,
      tagIds,
    };
    const changed = (['isFixed', 'isArchived', 'priority', 'roleId', 'agentId'] as const).filter((k) => next[k] !== c[k]);
    const tagsChanged = tagIds.join() !== c.tagIds.join();
    if (changed.length === 0 && !tagsChanged) return c;

    next.updatedAt = Date.now();
    await trx
      .updateTable('conversations')
      .set({
        is_fixed: flag(next.isFixed),
        is_archived: flag(next.isArchived),
        priority: next.priority,
        role_id: next.roleId,
        agent_id: next.agentId,
        updated_at: next.updatedAt,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', conversationId)
      .execute();
    if (tagsChanged) {
      await trx.deleteFrom('conversation_tags').where('workspace_id', '=', workspaceId).where('conversation_id', '=', conversationId).execute();
      if (tagIds.length > 0) {
        await trx
          .insertInto('conversation_tags')
          .values(tagIds.map((tag_id) => ({ workspace_id: workspaceId, conversation_id: conversationId, tag_id })))
          .execute();
      }
    }
    const fields = [...changed, ...(tagsChanged ? ['tags'] : [])];
    // The bot link alone is not one of the changes spec §2 reports.
    if (fields.some((f) => f !== 'agentId')) {
      await emitEvent(ctx, trx, workspaceId, 'conversation.updated', conversationId, {
        conversation: await conversationSnapshot(trx, next),
        previousStatus: c.status,
        changes: fields,
        actor,
      });
    }
    return next;
  });
}

/**
 * Marks the conversation unread, the reverse of `markRead`: the unread counter (one per conversation,
 * shared by its agents) becomes at least 1, so it shows as unread until someone reads it again.
 * Like reading it, this is no event of spec §2.
 */
export async function markUnread(ctx: Ctx, workspaceId: string, conversationId: string): Promise<Conversation> {
  return ctx.transact(async (trx) => {
    const c = await lockConversation(ctx, trx, workspaceId, conversationId);
    if (!c) throw notFound('conversation', conversationId);
    if (c.unreadCount >= 1) return c;
    await trx.updateTable('conversations').set({ unread_count: 1 }).where('workspace_id', '=', workspaceId).where('id', '=', conversationId).execute();
    return { ...c, unreadCount: 1 };
  });
}
