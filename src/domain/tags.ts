import type { Ctx, Actor } from './context.ts';
import type { Tag } from './model.ts';
import { conflict, notFound } from './errors.ts';
import { newId } from './ids.ts';
import { requireExisting } from './lookups.ts';
import { tagFromRow } from '../db/rows.ts';
import { isUniqueViolation } from '../db/repos/tx.ts';
import { findConversation } from '../db/repos/conversations.ts';
import { conversationSnapshot } from './snapshots.ts';
import { pageById, type PageRequest, type PageResult } from './resources/paging.ts';
import { emitEvent } from '../events/outbox.ts';

export const TAG_MODULES = ['crm', 'conversas', 'pessoas', 'fast-messages', 'tickets'] as const;

const duplicate = (name: string) => conflict(`A tag named "${name}" already exists in this inbox`, 'tag_already_exists');

export async function createTag(ctx: Ctx, workspaceId: string, input: { inboxId: string; name: string; color: string; modules: string[] }): Promise<Tag> {
  await requireExisting(ctx.db, 'inboxes', workspaceId, input.inboxId);
  const now = Date.now();
  const row = {
    workspace_id: workspaceId,
    id: newId(),
    inbox_id: input.inboxId,
    name: input.name,
    color: input.color,
    modules: JSON.stringify([...new Set(input.modules)]),
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.insertInto('tags').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(input.name);
    throw error;
  }
  return tagFromRow(row);
}

export async function listTags(ctx: Ctx, workspaceId: string, inboxId: string): Promise<Tag[]> {
  await requireExisting(ctx.db, 'inboxes', workspaceId, inboxId);
  const rows = await ctx.db.selectFrom('tags').selectAll().where('workspace_id', '=', workspaceId).where('inbox_id', '=', inboxId).orderBy('name').execute();
  return rows.map(tagFromRow);
}

/**
 * A page of the workspace's tags in id order; `inboxId` keeps one inbox's (404 when it does not exist),
 * `inboxIds` the tags of those inboxes only (an agent's; null: every inbox).
 */
export async function listTagsPage(
  ctx: Ctx,
  workspaceId: string,
  filter: { inboxId?: string; inboxIds: string[] | null },
  page: PageRequest,
): Promise<PageResult<Tag>> {
  if (filter.inboxId) await requireExisting(ctx.db, 'inboxes', workspaceId, filter.inboxId);
  if (filter.inboxIds !== null && filter.inboxIds.length === 0) return { items: [], nextAfterId: null };
  let q = ctx.db.selectFrom('tags').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.inboxId) q = q.where('inbox_id', '=', filter.inboxId);
  if (filter.inboxIds !== null) q = q.where('inbox_id', 'in', filter.inboxIds);
  return pageById(q, page, tagFromRow);
}

export async function getTag(ctx: Ctx, workspaceId: string, id: string): Promise<Tag> {
  const row = await ctx.db.selectFrom('tags').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('tag', id);
  return tagFromRow(row);
}

export async function updateTag(ctx: Ctx, workspaceId: string, id: string, patch: { name?: string; color?: string; modules?: string[] }): Promise<Tag> {
  const row = await ctx.db.selectFrom('tags').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('tag', id);
  const next = {
    ...row,
    name: patch.name ?? row.name,
    color: patch.color ?? row.color,
    modules: patch.modules ? JSON.stringify([...new Set(patch.modules)]) : row.modules,
    updated_at: Date.now(),
  };
  try {
    await ctx.db
      .updateTable('tags')
      .set({ name: next.name, color: next.color, modules: next.modules, updated_at: next.updated_at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(next.name);
    throw error;
  }
  return tagFromRow(next);
}

/** Deletes a tag and takes it off every conversation (each emits conversation.updated) and person. */
export async function deleteTag(ctx: Ctx, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await ctx.transact(async (trx) => {
    const row = await trx.selectFrom('tags').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('tag', id);
    const tagged = await trx
      .selectFrom('conversation_tags')
      .select('conversation_id')
      .where('workspace_id', '=', workspaceId)
      .where('tag_id', '=', id)
      .execute();
    await trx.deleteFrom('conversation_tags').where('workspace_id', '=', workspaceId).where('tag_id', '=', id).execute();
    await trx.deleteFrom('person_tags').where('workspace_id', '=', workspaceId).where('tag_id', '=', id).execute();
    await trx.deleteFrom('tags').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    for (const { conversation_id } of tagged) {
      const conversation = await findConversation(trx, workspaceId, conversation_id);
      if (!conversation) continue;
      await emitEvent(ctx, trx, workspaceId, 'conversation.updated', conversation_id, {
        conversation: await conversationSnapshot(trx, conversation),
        previousStatus: conversation.status,
        changes: ['tags'],
        actor,
      });
    }
  });
}
