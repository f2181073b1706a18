import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../domain/context.ts';
import { join } from 'node:path';
import { MediaStore } from '../../media/media-store.ts';
import { ChannelOutbox, type ChannelKindJobs, type ChannelOutboxOptions } from '../channel-outbox.ts';
import { channelFromRow } from '../../db/rows.ts';
import { whatsAppConfigOf } from './config.ts';
import { graphClient, type GraphClient } from './graph-client.ts';
import { MEDIA_MAX_BYTES, whatsAppMediaHandler } from './media-fetch.ts';
import { whatsAppReadHandler } from './read-receipts.ts';
import { whatsAppSendHandler } from './sender.ts';

export interface WhatsAppJobDeps {
  ctx: Ctx;
  media: MediaStore;
  /** PUBLIC_URL: our own media URLs start with it. */
  publicUrl: string;
  /** The Graph API client; one allowing private addresses when the settings do, unless given. */
  graph?: GraphClient;
  /** Largest received file downloaded; 100 MB unless given. */
  maxDownloadBytes?: number;
}

/** The WhatsApp channel kind's job handlers: send, media fetch, read receipt. */
export function whatsAppJobs(deps: WhatsAppJobDeps): ChannelKindJobs {
  const graph = deps.graph ?? graphClient({ allowPrivate: deps.ctx.channelSettings.allowPrivateUrls });
  const { ctx, media } = deps;
  return {
    handlers: {
      send: whatsAppSendHandler({ ctx, graph, media, publicUrl: deps.publicUrl }),
      media: whatsAppMediaHandler({ ctx, graph, media, maxBytes: deps.maxDownloadBytes ?? MEDIA_MAX_BYTES }),
      read: whatsAppReadHandler({ ctx, graph }),
    },
    sendsPerSecond: (channel) => whatsAppConfigOf(channelFromRow(channel).config).messagesPerSecond ?? 80,
  };
}

/** An outbox running WhatsApp jobs only; tests call `runOnce(now)` on it by hand. */
export function whatsAppOutbox(deps: WhatsAppJobDeps, options: ChannelOutboxOptions = {}): ChannelOutbox {
  return new ChannelOutbox(deps.ctx, new Map([['whatsapp', whatsAppJobs(deps)]]), options);
}

/** The background loop that sends, fetches media and marks messages read for WhatsApp channels; `media` defaults to the app's store location. */
export function startWhatsAppWorkers(
  ctx: Ctx,
  config: Config,
  log: FastifyBaseLogger,
  media: MediaStore = new MediaStore(join(config.dataDir, 'media'), config.publicUrl),
): { stop(): Promise<void> } {
  const logger = log.child({ worker: 'whatsapp-outbox' });
  const outbox = whatsAppOutbox({ ctx, media, publicUrl: config.publicUrl, maxDownloadBytes: config.maxUploadMb * 1024 * 1024 }, { log: logger });
  return outbox.start(logger);
}
