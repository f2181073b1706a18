import type { Ctx } from '../../domain/context.ts';
import type { MediaStore } from '../../media/media-store.ts';
import type { ChannelJobHandler } from '../channel-outbox.ts';
import { type ChannelJob, channelActor, finishJob, lockedMessage, markChannelAuthError, nextAttemptAt, requeueJob } from '../channel-job-updates.ts';
import { emitMessageUpdated } from '../../domain/receipts.ts';
import type { Media } from '../../domain/model.ts';
import type { GraphClient, GraphFailure } from './graph-client.ts';
import { graphTarget } from './sender.ts';

export interface MediaFetchDeps {
  ctx: Ctx;
  graph: GraphClient;
  media: MediaStore;
  /** Largest file downloaded; Meta's own limit is 100 MB. */
  maxBytes: number;
}

export const MEDIA_MAX_BYTES = 100 * 1024 * 1024;

/** What a `media` job carries: Meta's id of the received file and the checksum it gave. */
export interface MediaJobPayload {
  mediaId: string;
  sha256?: string | null;
}

/**
 * The `media` job of a WhatsApp channel (whatsapp-channel.md §4): the received file is downloaded
 * into the media store and the message points at it. The message is never lost over its file:
 * a file that cannot be had leaves it with `media.status: failed` and the reason.
 */
export function whatsAppMediaHandler(deps: MediaFetchDeps): ChannelJobHandler {
  const { ctx } = deps;
  return async (job, channel, now) => {
    const payload = JSON.parse(job.payload ?? '{}') as Partial<MediaJobPayload>;
    if (!payload.mediaId) return settle(ctx, job, { status: 'failed', error: 'the media job has no media id' });
    const target = graphTarget(channel);
    const info = await deps.graph.mediaInfo(target, payload.mediaId);
    if (!info.ok) return onFailure(ctx, job, info.failure, now);
    const file = await deps.graph.downloadMedia(target, info.value.url, { maxBytes: deps.maxBytes, sha256: payload.sha256 ?? info.value.sha256 });
    if (!file.ok) return onFailure(ctx, job, file.failure, now);
    const message = await ctx.db
      .selectFrom('messages')
      .select(['media_file_name', 'media_mime_type'])
      .where('workspace_id', '=', job.workspace_id)
      .where('id', '=', job.message_id)
      .executeTakeFirst();
    if (!message) return finishJob(ctx.db, job);
    const mimeType = message.media_mime_type ?? file.value.mimeType ?? info.value.mimeType ?? 'application/octet-stream';
    const stored = await deps.media.save(file.value.bytes, mimeType, message.media_file_name ?? payload.mediaId);
    await settle(ctx, job, { status: 'ready', url: stored.url, mimeType, size: stored.size });
  };
}

async function onFailure(ctx: Ctx, job: ChannelJob, failure: GraphFailure, now: number): Promise<void> {
  if (failure.class === 'auth') {
    await markChannelAuthError(ctx.db, job, failure.message, Date.now());
    return requeueJob(ctx.db, job, now, failure.message, false);
  }
  const dueAt = failure.class === 'rejected' ? null : nextAttemptAt(job, now, failure.retryAfterMs);
  if (dueAt === null) return settle(ctx, job, { status: 'failed', error: failure.message });
  return requeueJob(ctx.db, job, dueAt, failure.message);
}

type Outcome = { status: 'ready'; url: string; mimeType: string; size: number } | { status: 'failed'; error: string };

/** The message's file is ready or failed for good: it says so with `message.updated`, and the job ends. */
async function settle(ctx: Ctx, job: ChannelJob, outcome: Outcome): Promise<void> {
  await ctx.transact(async (trx) => {
    await finishJob(trx, job);
    const message = await lockedMessage(ctx, trx, job);
    if (!message) return;
    const before: Media = message.media ?? { url: null, mimeType: null, fileName: null, caption: null, size: null };
    const media: Media =
      outcome.status === 'ready'
        ? { ...before, url: outcome.url, mimeType: before.mimeType ?? outcome.mimeType, size: before.size ?? outcome.size, status: 'ready', error: null }
        : { ...before, status: 'failed', error: outcome.error };
    const updatedAt = Date.now();
    await trx
      .updateTable('messages')
      .set({
        media_url: media.url,
        media_mime_type: media.mimeType,
        media_size: media.size,
        media_status: media.status,
        media_error: media.error,
        updated_at: updatedAt,
      })
      .where('workspace_id', '=', job.workspace_id)
      .where('id', '=', job.message_id)
      .execute();
    await emitMessageUpdated(ctx, trx, { ...message, media, updatedAt }, channelActor(job));
  });
}
