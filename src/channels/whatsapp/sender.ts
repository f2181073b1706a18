import type { Ctx } from '../../domain/context.ts';
import type { Message } from '../../domain/model.ts';
import type { MediaStore } from '../../media/media-store.ts';
import type { ChannelJobHandler, ChannelRow } from '../channel-outbox.ts';
import { SEND_OUTCOME_UNKNOWN } from '../channel-outbox.ts';
import {
  type ChannelJob,
  channelActor,
  failOutboundMessage,
  finishJob,
  lockedMessage,
  markChannelActive,
  markChannelAuthError,
  nextAttemptAt,
  requeueJob,
} from '../channel-job-updates.ts';
import { channelFromRow, messageFromRow } from '../../db/rows.ts';
import { applyStatus } from '../../domain/receipts.ts';
import type { ExternalStatus } from '../../domain/model.ts';
import type { GraphClient, GraphFailure, GraphTarget } from './graph-client.ts';
import { whatsAppConfigOf } from './config.ts';
import { contentFields, recipientFields, type Body, type MediaRef, type Recipient } from './outbound-body.ts';

export interface WhatsAppSenderDeps {
  ctx: Ctx;
  graph: GraphClient;
  media: MediaStore;
  /** PUBLIC_URL: files under `{publicUrl}/media/` are ours, uploaded to Meta rather than linked. */
  publicUrl: string;
}

/** Meta's advice for its pair rate limit (131056): wait 4^n seconds. */
const PAIR_LIMIT_MAX_DELAY_MS = 3_600_000;
const STATUS_ORDER: ExternalStatus[] = ['sent', 'delivered', 'read', 'played', 'failed'];

export function graphTarget(channel: ChannelRow): GraphTarget {
  return whatsAppConfigOf(channelFromRow(channel).config);
}

/** The `send` job of a WhatsApp channel: the message goes to Meta once, and its outcome is recorded. */
export function whatsAppSendHandler(deps: WhatsAppSenderDeps): ChannelJobHandler {
  const { ctx } = deps;
  return async (job, channel, now) => {
    const message = await ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', job.workspace_id)
      .where('id', '=', job.message_id)
      .executeTakeFirst();
    // Already settled (a status reconciled it) or gone: nothing to send.
    if (message?.external_status !== 'pending') return finishJob(ctx.db, job);
    if (channel.deleted_at !== null) return rejectSend(ctx, job, 'the channel was deleted');
    const target = graphTarget(channel);
    const built = await buildBody(deps, target, job, messageFromRow(message));
    if (!built.ok) return built.failure ? onFailure(ctx, job, built.failure, now) : rejectSend(ctx, job, built.reason);
    const result = await deps.graph.sendMessage(target, built.body);
    if (result.ok) return recordSent(ctx, job, channel, result.value.wamid);
    return onFailure(ctx, job, result.failure, now);
  };
}

type Built = { ok: true; body: Body } | { ok: false; reason: string; failure?: GraphFailure };

/** The request body, with the file uploaded first when it is one of ours. */
async function buildBody(deps: WhatsAppSenderDeps, target: GraphTarget, job: ChannelJob, message: Message): Promise<Built> {
  const recipient = recipientFields(await recipientOf(deps.ctx, job));
  if (typeof recipient === 'string') return { ok: false, reason: recipient };
  let media: MediaRef | null = null;
  if (message.media?.url) {
    const uploaded = await mediaRef(deps, target, message.media.url);
    if (!('ref' in uploaded)) return { ok: false, reason: uploaded.reason, failure: uploaded.failure };
    media = uploaded.ref;
  }
  const content = contentFields(message, media);
  if (typeof content === 'string') return { ok: false, reason: content };
  const quoted = await quotedWamid(deps.ctx, message);
  return {
    ok: true,
    body: { ...recipient, biz_opaque_callback_data: message.id, ...(quoted ? { context: { message_id: quoted } } : {}), ...content },
  };
}

async function recipientOf(ctx: Ctx, job: ChannelJob): Promise<Recipient> {
  const row = await ctx.db
    .selectFrom('conversations as c')
    .leftJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.person_id'))
    .leftJoin('groups as g', (j) => j.onRef('g.workspace_id', '=', 'c.workspace_id').onRef('g.id', '=', 'c.group_id'))
    .select(['c.is_group', 'p.phone_number', 'p.bsuid', 'g.external_id'])
    .where('c.workspace_id', '=', job.workspace_id)
    .where('c.id', '=', job.conversation_id)
    .executeTakeFirst();
  if (!row) return { phone: null, bsuid: null, groupExternalId: null };
  if (row.is_group) return { phone: null, bsuid: null, groupExternalId: row.external_id ?? null };
  return { phone: row.phone_number ?? null, bsuid: row.bsuid ?? null, groupExternalId: null };
}

async function quotedWamid(ctx: Ctx, message: Message): Promise<string | null> {
  if (!message.quotedMessageId) return null;
  const quoted = await ctx.db
    .selectFrom('messages')
    .select('external_id')
    .where('workspace_id', '=', message.workspaceId)
    .where('id', '=', message.quotedMessageId)
    .executeTakeFirst();
  return quoted?.external_id ?? null;
}

type MediaResult = { ref: MediaRef } | { reason: string; failure?: GraphFailure };

/** Our own files are uploaded (Meta may not reach PUBLIC_URL behind NAT); anyone else's URL is linked. */
async function mediaRef(deps: WhatsAppSenderDeps, target: GraphTarget, url: string): Promise<MediaResult> {
  const prefix = `${deps.publicUrl.replace(/\/+$/, '')}/media/`;
  if (!url.startsWith(prefix)) return { ref: { link: url } };
  const token = url.slice(prefix.length).split('/')[0];
  const file = await deps.media.load(token);
  if (!file) return { reason: 'the message file is no longer in the media store' };
  const uploaded = await deps.graph.uploadMedia(target, { bytes: file.content, mimeType: file.mimeType, fileName: file.fileName });
  // An upload is not the message: one that may have gone through is simply uploaded again.
  const failure = uploaded.ok ? null : uploaded.failure.class === 'unknown' ? { ...uploaded.failure, class: 'retry' as const } : uploaded.failure;
  if (!uploaded.ok) return { reason: uploaded.failure.message, failure: failure! };
  return { ref: { id: uploaded.value.id } };
}

/** Accepted: the wamid is stored, statuses that arrived before it are applied, the channel is healthy. */
async function recordSent(ctx: Ctx, job: ChannelJob, channel: ChannelRow, wamid: string): Promise<void> {
  await ctx.transact(async (trx) => {
    const message = await lockedMessage(ctx, trx, job);
    await finishJob(trx, job);
    if (channel.status === 'error') await markChannelActive(trx, job);
    if (!message) return;
    let current = (await applyStatus(ctx, trx, message, 'sent', null, channelActor(job), { externalId: wamid })).message;
    const waiting = await trx
      .selectFrom('waiting_statuses')
      .selectAll()
      .where('workspace_id', '=', job.workspace_id)
      .where('channel_id', '=', job.channel_id)
      .where('external_id', '=', wamid)
      .execute();
    waiting.sort((a, b) => STATUS_ORDER.indexOf(a.status as ExternalStatus) - STATUS_ORDER.indexOf(b.status as ExternalStatus));
    for (const status of waiting) {
      current = (await applyStatus(ctx, trx, current, status.status as ExternalStatus, status.error_message, channelActor(job))).message;
    }
    if (waiting.length > 0)
      await trx
        .deleteFrom('waiting_statuses')
        .where('workspace_id', '=', job.workspace_id)
        .where('channel_id', '=', job.channel_id)
        .where('external_id', '=', wamid)
        .execute();
  });
}

/** What each class of Graph failure does to the send (whatsapp-channel.md §3). */
async function onFailure(ctx: Ctx, job: ChannelJob, failure: GraphFailure, now: number): Promise<void> {
  switch (failure.class) {
    case 'rejected':
      return rejectSend(ctx, job, failure.message);
    case 'unknown':
      // The request may have been delivered: never sent again.
      return rejectSend(ctx, job, SEND_OUTCOME_UNKNOWN);
    case 'auth':
      // Not counted: the message waits for a new token, however long that takes.
      await markChannelAuthError(ctx.db, job, failure.message, Date.now());
      return requeueJob(ctx.db, job, now, failure.message, false);
    case 'throttle_person': {
      const attempt = job.attempt_count + 1;
      if (nextAttemptAt(job, now, null) === null) return rejectSend(ctx, job, failure.message);
      return requeueJob(ctx.db, job, now + Math.min(4 ** attempt * 1000, PAIR_LIMIT_MAX_DELAY_MS), failure.message);
    }
    case 'retry': {
      const dueAt = nextAttemptAt(job, now, failure.retryAfterMs);
      if (dueAt === null) return rejectSend(ctx, job, failure.message);
      return requeueJob(ctx.db, job, dueAt, failure.message);
    }
  }
}

/** The message fails with `reason` and its job leaves the queue, in one transaction. */
async function rejectSend(ctx: Ctx, job: ChannelJob, reason: string): Promise<void> {
  await ctx.transact(async (trx) => {
    await finishJob(trx, job);
    await failOutboundMessage(ctx, trx, job, reason);
  });
}
