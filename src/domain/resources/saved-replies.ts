import type { Ctx } from '../context.ts';
import type { SavedReply } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { savedReplyFromRow } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { pageById, type PageRequest, type PageResult } from './paging.ts';

export interface SavedReplyInput {
  shortcut: string;
  text: string;
}
export type SavedReplyPatch = Partial<SavedReplyInput>;

/** What follows the `/` an agent types: letters, digits, `-` and `_`, compared without case. */
const SHORTCUT = /^[\p{L}\p{N}_-]{1,64}$/u;

function shortcutOf(raw: string): string {
  const shortcut = raw.trim().replace(/^\//, '').toLowerCase();
  if (!SHORTCUT.test(shortcut)) throw invalid('shortcut must be 1 to 64 letters, digits, - or _ (without spaces)', 'validation_failed', 'shortcut');
  return shortcut;
}

function textOf(raw: string): string {
  if (raw.trim() === '') throw invalid('text must not be empty', 'validation_failed', 'text');
  return raw;
}

const taken = (shortcut: string) => conflict(`A saved reply with the shortcut "${shortcut}" already exists`, 'shortcut_taken');

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('saved_replies').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

async function shortcutTaken(trx: Tx, workspaceId: string, shortcut: string, exceptId: string | null): Promise<boolean> {
  let q = trx.selectFrom('saved_replies').select('id').where('workspace_id', '=', workspaceId).where('shortcut', '=', shortcut).where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The workspace's saved replies by shortcut; `search` keeps those whose shortcut starts with it. */
export async function listSavedReplies(ctx: Ctx, workspaceId: string, search: string | null, page: PageRequest): Promise<PageResult<SavedReply>> {
  let q = ctx.db.selectFrom('saved_replies').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (search)
    q = q.where(
      'shortcut',
      'like',
      `${search
        .trim()
        .replace(/^\//, '')
        .toLowerCase()
        .replace(/[%_\\]/g, (c) => `\\${c}`)}%`,
    );
  return pageById(q, page, savedReplyFromRow);
}

export async function getSavedReply(ctx: Ctx, workspaceId: string, id: string): Promise<SavedReply> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('saved reply', id);
  return savedReplyFromRow(row);
}

export async function createSavedReply(ctx: Ctx, workspaceId: string, input: SavedReplyInput): Promise<SavedReply> {
  const shortcut = shortcutOf(input.shortcut);
  const text = textOf(input.text);
  return ctx.transact(async (trx) => {
    if (await shortcutTaken(trx, workspaceId, shortcut, null)) throw taken(shortcut);
    const now = Date.now();
    const row = { workspace_id: workspaceId, id: newId(), shortcut, text, created_at: now, updated_at: now, deleted_at: null };
    // Two creates racing for one shortcut: the unique index keeps one.
    const inserted = await trx
      .insertInto('saved_replies')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw taken(shortcut);
    return savedReplyFromRow(row);
  });
}

export async function updateSavedReply(ctx: Ctx, workspaceId: string, id: string, patch: SavedReplyPatch): Promise<SavedReply> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('saved reply', id);
    const shortcut = patch.shortcut !== undefined ? shortcutOf(patch.shortcut) : row.shortcut;
    const text = patch.text !== undefined ? textOf(patch.text) : row.text;
    if (shortcut === row.shortcut && text === row.text) return savedReplyFromRow(row);
    if (shortcut !== row.shortcut && (await shortcutTaken(trx, workspaceId, shortcut, id))) throw taken(shortcut);
    const next = { ...row, shortcut, text, updated_at: Date.now() };
    await trx
      .updateTable('saved_replies')
      .set({ shortcut, text, updated_at: next.updated_at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    return savedReplyFromRow(next);
  });
}

export async function deleteSavedReply(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  await ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('saved reply', id);
    const now = Date.now();
    await trx.updateTable('saved_replies').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  });
}
