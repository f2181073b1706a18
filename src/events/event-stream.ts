import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';
import type { Engine } from '../db/engine.ts';
import { comparePositions, type FeedPosition, readEventFeed, readFeedEnd } from '../db/repos/events.ts';
import type { Principal } from '../domain/api-keys.ts';
import type { FeedFollower, FeedSubscription, PositionedEvent } from './feed-follower.ts';
import { eventVisibleTo } from './visibility.ts';

/** A stream that falls this far behind its client (bytes queued in the socket) is ended; the client resumes with Last-Event-ID. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const CATCH_UP_PAGE = 200;

export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface EventStreamOptions {
  db: Db;
  engine: Engine;
  follower: FeedFollower;
  principal: Principal;
  /** Resume after this position (the decoded Last-Event-ID); null: only events from now on. */
  after: FeedPosition | null;
  /** Only these event types; null: all. */
  types: string[] | null;
  /** One SSE frame's `id:` and `data:` for an event (the dialect's presentation). */
  present(event: PositionedEvent): { id: string; data: string };
  /** The `id:` of a feed position (what `present` gives an event at that position). */
  idOf(position: FeedPosition): string;
  heartbeatMs: number;
  /**
   * False when the request has no real socket (Fastify's inject): the stream then sends the
   * catch-up and ends, since nothing could ever read the rest.
   */
  live: boolean;
  log: FastifyBaseLogger;
}

/** The first bytes of every stream's answer. */
export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/**
 * Serves one Server-Sent Events stream on `res` (whose status and headers are already written):
 * first the feed after `after` read page by page (the catch-up), then the events the follower
 * reads, without gap or duplicate: the follower's events are buffered from before the catch-up
 * starts and skipped up to the last position sent. Ends when the client goes, the follower
 * closes (the app is closing) or the client cannot keep up.
 */
export async function serveEventStream(res: ServerResponse, options: EventStreamOptions): Promise<void> {
  const { principal, types, present, log } = options;
  const typeSet = types && types.length > 0 ? new Set(types) : null;
  let closed = false;
  let last: FeedPosition | null = options.after;
  /** Follower events that arrived during the catch-up; null once the stream is live. */
  let pending: PositionedEvent[] | null = [];
  let subscription: FeedSubscription | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let removeCloseHook: (() => void) | null = null;

  const finish = () => {
    if (closed) return;
    closed = true;
    subscription?.unsubscribe();
    if (heartbeat) clearInterval(heartbeat);
    removeCloseHook?.();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);
  res.on('error', finish);

  /** Writes the events after `last` that the caller may see; false when the socket's buffer is full. */
  const send = (events: PositionedEvent[]): boolean => {
    let room = true;
    for (const event of events) {
      if (closed) return false;
      if (last && comparePositions(event.position, last) <= 0) continue;
      last = event.position;
      if (typeSet && !typeSet.has(event.type)) continue;
      if (!eventVisibleTo(principal, event)) continue;
      const { id, data } = present(event);
      room = res.write(`id: ${id}\nevent: ${event.type}\ndata: ${data}\n\n`);
    }
    if (res.writableLength > MAX_QUEUED_BYTES) {
      log.warn({ queuedBytes: res.writableLength }, 'event stream client too slow; ending the stream');
      finish();
      return false;
    }
    return room;
  };

  try {
    if (options.live) {
      removeCloseHook = options.follower.onClose(finish);
      subscription = await options.follower.subscribe(principal.workspaceId, (events) => {
        if (pending) pending.push(...events);
        else send(events);
      });
      if (closed) return finish();
    }
    // Without Last-Event-ID: from the feed's end now. Read after subscribing, it is at or past the
    // follower's position, so whatever the follower reads later and the catch-up leaves out is new.
    if (last === null) last = await readFeedEnd(options.db, options.engine, principal.workspaceId);

    // Catch-up through the normal feed query, page by page, waiting for the client when its buffer fills.
    for (;;) {
      if (closed) return;
      const { events } = await readEventFeed(options.db, options.engine, principal.workspaceId, last, types, CATCH_UP_PAGE);
      if (events.length === 0) break;
      if (!send(events) && !closed) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      // Filtered pages still move `last` to the page's end: the next page starts after it.
      last = events[events.length - 1].position;
      if (events.length < CATCH_UP_PAGE) break;
    }
    if (!options.live || closed) return finish();

    // Live: what the follower read meanwhile, then everything it reads.
    const buffered = pending ?? [];
    pending = null;
    send(buffered);
    if (closed) return;
    // An `id:` alone dispatches no event but becomes the browser's Last-Event-ID: a stream that
    // saw no event yet still resumes where it went live, not at the feed's end when it reconnects.
    res.write(last ? `id: ${options.idOf(last)}\n: live\n\n` : ': live\n\n');
    heartbeat = setInterval(() => {
      if (!closed) res.write(': keep-alive\n\n');
    }, options.heartbeatMs);
    heartbeat.unref();
  } catch (error) {
    log.error({ err: error }, 'event stream failed');
    finish();
  }
}
