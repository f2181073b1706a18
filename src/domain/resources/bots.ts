import type { Ctx } from '../context.ts';
import type { Bot } from '../model.ts';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { botFromRow } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { lockLiveChannel } from './channels.ts';
import { requiredName, pageById, type PageRequest, type PageResult } from './paging.ts';

/** A bot's `type` is the label of its channel; WhatsApp and sandbox channels are `Whatsapp` (spec §1). */
export const DEFAULT_BOT_TYPE = 'Whatsapp';

export interface BotInput {
  name: string;
  channelId: string;
  type?: string;
}
export type BotPatch = Partial<BotInput>;
export interface BotFilter {
  inboxId?: string;
  channelId?: string;
}

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('bots').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

export async function listBots(ctx: Ctx, workspaceId: string, filter: BotFilter, page: PageRequest): Promise<PageResult<Bot>> {
  let q = ctx.db.selectFrom('bots').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (filter.inboxId) q = q.where('inbox_id', '=', filter.inboxId);
  if (filter.channelId) q = q.where('channel_id', '=', filter.channelId);
  return pageById(q, page, botFromRow);
}

export async function getBot(ctx: Ctx, workspaceId: string, id: string): Promise<Bot> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('bot', id);
  return botFromRow(row);
}

/** The bot's inbox is always its channel's inbox. */
export async function createBot(ctx: Ctx, workspaceId: string, input: BotInput): Promise<Bot> {
  return ctx.transact(async (trx) => {
    const channel = await lockLiveChannel(ctx, trx, workspaceId, input.channelId);
    const now = Date.now();
    const row = {
      workspace_id: workspaceId,
      id: newId(),
      inbox_id: channel.inboxId,
      channel_id: channel.id,
      name: requiredName(input.name),
      type: requiredName(input.type ?? DEFAULT_BOT_TYPE, 'type'),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await trx.insertInto('bots').values(row).execute();
    return botFromRow(row);
  });
}

/**
 * Name, type and channel can change; moving to another channel moves the bot to that channel's inbox.
 * Conversations keep the bot they were created with.
 */
export async function updateBot(ctx: Ctx, workspaceId: string, id: string, patch: BotPatch): Promise<Bot> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('bot', id);
    const next = { ...row };
    if (patch.channelId !== undefined && patch.channelId !== row.channel_id) {
      const channel = await lockLiveChannel(ctx, trx, workspaceId, patch.channelId);
      next.channel_id = channel.id;
      next.inbox_id = channel.inboxId;
    }
    if (patch.name !== undefined) next.name = requiredName(patch.name);
    if (patch.type !== undefined) next.type = requiredName(patch.type, 'type');
    if (next.name === row.name && next.type === row.type && next.channel_id === row.channel_id) return botFromRow(row);
    next.updated_at = Date.now();
    await trx
      .updateTable('bots')
      .set({ name: next.name, type: next.type, channel_id: next.channel_id, inbox_id: next.inbox_id, updated_at: next.updated_at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    return botFromRow(next);
  });
}

/** Soft-deletes the bot; conversations that had it keep its id, new ones on the channel get another live bot or none. */
export async function deleteBot(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  const now = Date.now();
  const result = await ctx.db
    .updateTable('bots')
    .set({ deleted_at: now, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound('bot', id);
}
