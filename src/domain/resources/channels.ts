import type { Ctx } from '../context.ts';
import type { Channel } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { channelFromRow, toJson } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { lockLiveInbox } from './inboxes.ts';
import { requiredName, splitPage, type PageRequest, type PageResult } from './paging.ts';

/** The channel kinds that can be created today; `whatsapp` comes with its driver. */
export const CREATABLE_CHANNEL_KINDS = ['sandbox'] as const;
export type CreatableChannelKind = (typeof CREATABLE_CHANNEL_KINDS)[number];

export interface ChannelInput {
  inboxId: string;
  kind: CreatableChannelKind;
  name: string;
  config?: Record<string, unknown>;
}
export interface ChannelPatch {
  name?: string;
  config?: Record<string, unknown>;
}
export interface ChannelFilter {
  inboxId?: string;
  kind?: string;
}

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('channels').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

export async function listChannels(ctx: Ctx, workspaceId: string, filter: ChannelFilter, page: PageRequest): Promise<PageResult<Channel>> {
  let q = ctx.db.selectFrom('channels').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (filter.inboxId) q = q.where('inbox_id', '=', filter.inboxId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  const { rows, nextAfterId } = splitPage(
    await q
      .orderBy('id')
      .limit(page.limit + 1)
      .execute(),
    page.limit,
  );
  return { items: rows.map(channelFromRow), nextAfterId };
}

export async function getChannel(ctx: Ctx, workspaceId: string, id: string): Promise<Channel> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('channel', id);
  return channelFromRow(row);
}

function checkKind(kind: string): CreatableChannelKind {
  if (!(CREATABLE_CHANNEL_KINDS as readonly string[]).includes(kind)) {
    throw invalid(`kind must be one of ${CREATABLE_CHANNEL_KINDS.join(', ')}`, 'validation_failed', 'kind');
  }
  return kind as CreatableChannelKind;
}

export async function createChannel(ctx: Ctx, workspaceId: string, input: ChannelInput): Promise<Channel> {
  return ctx.transact(async (trx) => {
    const inbox = await lockLiveInbox(ctx, trx, workspaceId, input.inboxId);
    const now = Date.now();
    const row = {
      workspace_id: workspaceId,
      id: newId(),
      inbox_id: inbox.id,
      kind: checkKind(input.kind),
      name: requiredName(input.name),
      config: toJson(input.config ?? {})!,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await trx.insertInto('channels').values(row).execute();
    return channelFromRow(row);
  });
}

/** Name and config can change; the inbox and kind of a channel are fixed (its conversations live there). */
export async function updateChannel(ctx: Ctx, workspaceId: string, id: string, patch: ChannelPatch): Promise<Channel> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('channel', id);
    const name = patch.name !== undefined ? requiredName(patch.name) : row.name;
    const config = patch.config !== undefined ? toJson(patch.config)! : row.config;
    if (name === row.name && config === row.config) return channelFromRow(row);
    const next = { ...row, name, config, updated_at: Date.now() };
    await trx.updateTable('channels').set({ name, config, updated_at: next.updated_at }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    return channelFromRow(next);
  });
}

/** Soft-deletes a channel with no conversation and no live bot (409 otherwise, naming which). */
export async function deleteChannel(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  await ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('channel', id);
    const conversation = await trx
      .selectFrom('conversations')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('channel_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (conversation) throw conflict(`Channel ${id} still has conversations; a channel with history cannot be deleted`, 'channel_has_conversations');
    const bot = await trx
      .selectFrom('bots')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('channel_id', '=', id)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (bot) throw conflict(`Channel ${id} still has live bots (e.g. ${bot.id}); delete them or move them to another channel first`, 'channel_has_bots');
    const now = Date.now();
    await trx.updateTable('channels').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  });
}

/** A live channel, locked (PostgreSQL) against a concurrent delete until the caller's transaction ends. */
export async function lockLiveChannel(ctx: Ctx, trx: Tx, workspaceId: string, id: string): Promise<Channel> {
  const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
  if (!row) throw notFound('channel', id);
  return channelFromRow(row);
}
