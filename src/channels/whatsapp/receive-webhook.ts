import type { FastifyBaseLogger } from 'fastify';
import type { Ctx } from '../../domain/context.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../db/repos/tx.ts';
import { parseJson } from '../../db/rows.ts';
import { whatsAppConfigOf, type WhatsAppConfig } from './config.ts';
import { applyItem, type RoutedChannel } from './apply-items.ts';
import { parseWebhook } from './webhook-payload.ts';
import type { WaChange } from './webhook-types.ts';

export interface WhatsAppChannel extends RoutedChannel {
  config: WhatsAppConfig;
}

/** A live WhatsApp channel by id, whichever workspace holds it: Meta's callback URL names it and carries no key. */
export async function whatsappChannelById(ctx: Ctx, id: string): Promise<WhatsAppChannel | null> {
  const row = await ctx.db
    .selectFrom('channels')
    .select(['workspace_id', 'id', 'inbox_id', 'config'])
    .where('id', '=', id)
    .where('kind', '=', 'whatsapp')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? { workspaceId: row.workspace_id, id: row.id, inboxId: row.inbox_id, config: whatsAppConfigOf(parseJson(row.config) ?? {}) } : null;
}

/**
 * Stores a signed webhook in the channel's raw log and applies every item of every change, routed
 * by phone number id to the live channel of that number in the same workspace. The fast path is
 * one transaction for the whole POST; if it fails, the log row commits alone and each item is
 * applied in its own transaction, so one bad item never drops the others. Returns once everything
 * is committed; a storage failure propagates (Meta retries, and the retry is de-duplicated).
 */
export async function receiveWebhook(ctx: Ctx, channel: WhatsAppChannel, raw: string, body: unknown, log: FastifyBaseLogger): Promise<void> {
  const changes = parseWebhook(body);
  const logId = newId();
  const now = Date.now();
  const logRow = { workspace_id: channel.workspaceId, id: logId, channel_id: channel.id, received_at: now, signature_valid: 1, body: raw };
  try {
    const unowned = await ctx.transact(
      async (trx) => {
        await trx
          .insertInto('channel_webhook_log')
          .values({ ...logRow, processed: 1 })
          .execute();
        const { routed, unowned } = await route(trx, channel, changes);
        for (const { target, change } of routed) {
          for (const item of change.items) await applyItem(ctx, trx, target, item);
        }
        return unowned;
      },
      // It writes only through its transaction (the warning waits for the commit): SQLite may run it again (TransactOptions).
      { repeatable: true },
    );
    warnUnowned(log, channel, unowned);
    await noteWebhookTime(ctx, channel, now);
    return;
  } catch (error) {
    log.warn({ err: error, channelId: channel.id }, 'a WhatsApp webhook could not be applied at once; applying item by item');
  }
  await ctx.transact(async (trx) => {
    await trx
      .insertInto('channel_webhook_log')
      .values({ ...logRow, processed: 0 })
      .execute();
  });
  await noteWebhookTime(ctx, channel, now);
  const { routed, unowned } = await ctx.transact((trx) => route(trx, channel, changes));
  warnUnowned(log, channel, unowned);
  let complete = true;
  for (const { target, change } of routed) {
    for (const item of change.items) {
      try {
        await ctx.transact((trx) => applyItem(ctx, trx, target, item));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        complete = false;
        log.warn({ err: error, channelId: target.id, item: item.kind }, 'a WhatsApp webhook item was refused; it stays in the raw log');
      }
    }
  }
  if (complete) {
    await ctx.transact((trx) =>
      trx.updateTable('channel_webhook_log').set({ processed: 1 }).where('workspace_id', '=', channel.workspaceId).where('id', '=', logId).execute(),
    );
  }
}

/**
 * `lastWebhookAt`, to the second, in a statement of its own: inside the webhook's transaction the
 * channel's row lock would make every concurrent webhook of the channel wait for the one before.
 */
async function noteWebhookTime(ctx: Ctx, channel: RoutedChannel, now: number): Promise<void> {
  await ctx.db
    .updateTable('channels')
    .set({ last_webhook_at: now })
    .where('workspace_id', '=', channel.workspaceId)
    .where('id', '=', channel.id)
    .where((eb) => eb.or([eb('last_webhook_at', 'is', null), eb('last_webhook_at', '<', now - 1000)]))
    .execute();
}

/**
 * Each change goes to the live channel of its number in the same workspace (one Meta app may point
 * every number at one URL); `unowned` lists the numbers no such channel owns.
 */
async function route(trx: Tx, channel: WhatsAppChannel, changes: WaChange[]) {
  const routed: { target: RoutedChannel; change: WaChange }[] = [];
  const unowned: string[] = [];
  const byNumber = new Map<string, RoutedChannel | null>([[channel.config.phoneNumberId, channel]]);
  for (const change of changes) {
    if (change.items.length === 0) continue;
    const number = change.phoneNumberId ?? channel.config.phoneNumberId;
    if (!byNumber.has(number)) {
      const row = await trx
        .selectFrom('channels')
        .select(['workspace_id', 'id', 'inbox_id'])
        .where('workspace_id', '=', channel.workspaceId)
        .where('phone_number_id', '=', number)
        .where('kind', '=', 'whatsapp')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      byNumber.set(number, row ? { workspaceId: row.workspace_id, id: row.id, inboxId: row.inbox_id } : null);
    }
    const target = byNumber.get(number);
    if (target) routed.push({ target, change });
    else unowned.push(number);
  }
  return { routed, unowned };
}

function warnUnowned(log: FastifyBaseLogger, channel: WhatsAppChannel, numbers: string[]): void {
  for (const phoneNumberId of numbers)
    log.warn({ channelId: channel.id, phoneNumberId }, 'a WhatsApp webhook change is for a number no channel of this workspace owns; it stays in the raw log');
}
