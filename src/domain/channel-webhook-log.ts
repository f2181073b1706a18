import type { Ctx } from './context.ts';
import { invalid, notFound } from './errors.ts';

/** Meta keeps no history: what arrived is kept this long (whatsapp-channel.md §2). */
export const WEBHOOK_LOG_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface WebhookLogEntry {
  id: string;
  receivedAt: number;
  signatureValid: boolean;
  processed: boolean;
  body: unknown;
}

/** A channel's raw webhooks, newest first, after `beforeId` (keyset paging). */
export async function listWebhookLog(
  ctx: Ctx,
  workspaceId: string,
  channelId: string,
  page: { limit: number; beforeId: string | null },
): Promise<{ items: WebhookLogEntry[]; nextBeforeId: string | null }> {
  const channel = await ctx.db
    .selectFrom('channels')
    .select('kind')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', channelId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!channel) throw notFound('channel', channelId);
  if (channel.kind !== 'whatsapp')
    throw invalid(`Channel ${channelId} is a ${channel.kind} channel: only WhatsApp channels receive webhooks`, 'not_a_whatsapp_channel');
  let q = ctx.db
    .selectFrom('channel_webhook_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('channel_id', '=', channelId)
    .where('received_at', '>=', Date.now() - WEBHOOK_LOG_RETENTION_MS);
  if (page.beforeId) q = q.where('id', '<', page.beforeId);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const kept = rows.slice(0, page.limit);
  return {
    items: kept.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      signatureValid: r.signature_valid === 1,
      processed: r.processed === 1,
      body: parseBody(r.body),
    })),
    nextBeforeId: rows.length > page.limit ? kept[kept.length - 1].id : null,
  };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Meta redelivers for up to 7 days: ids seen, and statuses still waiting for their message, are kept well past that. */
export const INBOUND_ID_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** Deletes webhook log rows past their 7 days, and de-duplication ids and unmatched statuses past 30; returns how many rows. */
export async function purgeChannelRecords(ctx: Ctx, now: number): Promise<number> {
  const deleted = await Promise.all([
    ctx.db
      .deleteFrom('channel_webhook_log')
      .where('received_at', '<', now - WEBHOOK_LOG_RETENTION_MS)
      .executeTakeFirst(),
    ctx.db
      .deleteFrom('channel_inbound_ids')
      .where('received_at', '<', now - INBOUND_ID_RETENTION_MS)
      .executeTakeFirst(),
    ctx.db
      .deleteFrom('waiting_statuses')
      .where('received_at', '<', now - INBOUND_ID_RETENTION_MS)
      .executeTakeFirst(),
  ]);
  return deleted.reduce((sum, result) => sum + Number(result.numDeletedRows ?? 0n), 0);
}
