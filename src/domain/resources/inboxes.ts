import type { Ctx } from '../context.ts';
import type { Inbox } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { inboxFromRow } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { requiredName, pageById, type PageRequest, type PageResult } from './paging.ts';

export const DEFAULT_INACTIVITY_TIMEOUT_MINUTES = 1440;
export const MAX_INACTIVITY_TIMEOUT_MINUTES = 525_600; // one year

export interface InboxInput {
  name: string;
  inactivityTimeoutMinutes?: number;
}
export type InboxPatch = Partial<InboxInput>;

function checkTimeout(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_INACTIVITY_TIMEOUT_MINUTES) {
    throw invalid(`inactivityTimeoutMinutes must be an integer from 1 to ${MAX_INACTIVITY_TIMEOUT_MINUTES}`, 'validation_failed', 'inactivityTimeoutMinutes');
  }
  return minutes;
}

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('inboxes').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

export async function listInboxes(ctx: Ctx, workspaceId: string, page: PageRequest): Promise<PageResult<Inbox>> {
  const q = ctx.db.selectFrom('inboxes').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  return pageById(q, page, inboxFromRow);
}

export async function getInbox(ctx: Ctx, workspaceId: string, id: string): Promise<Inbox> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('inbox', id);
  return inboxFromRow(row);
}

export async function createInbox(ctx: Ctx, workspaceId: string, input: InboxInput): Promise<Inbox> {
  const now = Date.now();
  const row = {
    workspace_id: workspaceId,
    id: newId(),
    name: requiredName(input.name),
    inactivity_timeout_minutes: checkTimeout(input.inactivityTimeoutMinutes ?? DEFAULT_INACTIVITY_TIMEOUT_MINUTES),
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await ctx.db.insertInto('inboxes').values(row).execute();
  return inboxFromRow(row);
}

export async function updateInbox(ctx: Ctx, workspaceId: string, id: string, patch: InboxPatch): Promise<Inbox> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('inbox', id);
    const next = { ...row };
    if (patch.name !== undefined) next.name = requiredName(patch.name);
    if (patch.inactivityTimeoutMinutes !== undefined) next.inactivity_timeout_minutes = checkTimeout(patch.inactivityTimeoutMinutes);
    if (next.name === row.name && next.inactivity_timeout_minutes === row.inactivity_timeout_minutes) return inboxFromRow(row);
    next.updated_at = Date.now();
    await trx
      .updateTable('inboxes')
      .set({ name: next.name, inactivity_timeout_minutes: next.inactivity_timeout_minutes, updated_at: next.updated_at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    return inboxFromRow(next);
  });
}

/**
 * Soft-deletes an inbox that has no live channel (409 otherwise: its conversations need them).
 * Users lose the explicit attachment to it; its people, tags and groups are kept, readable by id.
 */
export async function deleteInbox(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  await ctx.transact(async (trx) => {
    // The lock makes a concurrent channel create (which locks the inbox too) wait for this answer.
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('inbox', id);
    const channel = await trx
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('inbox_id', '=', id)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (channel) throw conflict(`Inbox ${id} still has live channels (e.g. ${channel.id}); delete them first`, 'inbox_has_channels');
    const now = Date.now();
    await trx.updateTable('inboxes').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    await trx.deleteFrom('user_inboxes').where('workspace_id', '=', workspaceId).where('inbox_id', '=', id).execute();
  });
}

/** A live inbox, locked (PostgreSQL) against a concurrent delete until the caller's transaction ends. */
export async function lockLiveInbox(ctx: Ctx, trx: Tx, workspaceId: string, id: string): Promise<Inbox> {
  const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
  if (!row) throw notFound('inbox', id);
  return inboxFromRow(row);
}
