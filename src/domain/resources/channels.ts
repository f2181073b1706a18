import type { Ctx } from '../context.ts';
import type { Channel } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { channelFromRow, toJson } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { lockLiveInbox } from './inboxes.ts';
import { requiredName, pageById, type PageRequest, type PageResult } from './paging.ts';
import type { ChannelKind } from '../channel-kind.ts';

/** The channel kinds of the spec; which can be created depends on the modules the server was built with. */
export const CHANNEL_KINDS = ['sandbox', 'whatsapp'] as const;
export type ChannelKindName = (typeof CHANNEL_KINDS)[number];

export interface ChannelInput {
  inboxId: string;
  kind: ChannelKindName;
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
  return pageById(q, page, channelFromRow);
}

export async function getChannel(ctx: Ctx, workspaceId: string, id: string): Promise<Channel> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('channel', id);
  return channelFromRow(row);
}

function kindOf(ctx: Ctx, kind: string): ChannelKind {
  const found = ctx.channelKinds.get(kind);
  if (!found) throw invalid(`kind must be one of ${[...ctx.channelKinds.keys()].join(', ')}`, 'validation_failed', 'kind');
  return found;
}

const numberTaken = (key: string) => conflict(`Another channel already receives phone number id ${key}: one number can feed one inbox`, 'phone_number_taken');

/** Is this installation-wide key (a phone number id) held by another live channel? */
async function keyTaken(trx: Tx, key: string, exceptId: string | null): Promise<boolean> {
  let q = trx.selectFrom('channels').select('id').where('phone_number_id', '=', key).where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

export async function createChannel(ctx: Ctx, workspaceId: string, input: ChannelInput): Promise<Channel> {
  return ctx.transact(async (trx) => {
    const kind = kindOf(ctx, input.kind);
    const inbox = await lockLiveInbox(ctx, trx, workspaceId, input.inboxId);
    const name = requiredName(input.name);
    const config = kind.storedConfig(input.config ?? {}, null, ctx.channelSettings);
    const key = kind.installationKey?.(config) ?? null;
    if (key && (await keyTaken(trx, key, null))) throw numberTaken(key);
    const now = Date.now();
    const row = {
      workspace_id: workspaceId,
      id: newId(),
      inbox_id: inbox.id,
      kind: kind.kind,
      name,
      config: toJson(config)!,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      status: key ? 'active' : null,
      last_error: null,
      last_error_at: null,
      last_webhook_at: null,
      phone_number_id: key,
    };
    // Two creates racing for one number: the unique index keeps one, the other inserts nothing.
    const inserted = await trx
      .insertInto('channels')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw numberTaken(key ?? '');
    return channelFromRow(row);
  });
}

/** Name and config can change; the inbox and kind of a channel are fixed (its conversations live there). */
export async function updateChannel(ctx: Ctx, workspaceId: string, id: string, patch: ChannelPatch): Promise<Channel> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('channel', id);
    const kind = kindOf(ctx, row.kind);
    const name = patch.name !== undefined ? requiredName(patch.name) : row.name;
    const previous = channelFromRow(row).config;
    const config = patch.config !== undefined ? toJson(kind.storedConfig(patch.config, previous, ctx.channelSettings))! : row.config;
    if (name === row.name && config === row.config) return channelFromRow(row);
    const key = kind.installationKey?.(JSON.parse(config)) ?? null;
    if (key && key !== row.phone_number_id && (await keyTaken(trx, key, id))) throw numberTaken(key);
    const next = { ...row, name, config, phone_number_id: key, updated_at: Date.now() };
    await trx
      .updateTable('channels')
      .set({ name, config, phone_number_id: key, updated_at: next.updated_at })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
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

/** The templates the network approved for a channel. */
export async function listChannelTemplates(ctx: Ctx, workspaceId: string, channelId: string): Promise<unknown[]> {
  const channel = await getChannel(ctx, workspaceId, channelId);
  const kind = ctx.channelKinds.get(channel.kind);
  if (!kind?.templates) throw invalid(`Channel ${channelId} is a ${channel.kind} channel: only WhatsApp channels have templates`, 'not_a_whatsapp_channel');
  return kind.templates(channel, ctx.channelSettings);
}
