import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';
import type { Engine } from '../db/engine.ts';
import { type FeedPosition, readEventFeed, readFeedEnd } from '../db/repos/events.ts';
import type { DomainEvent } from '../domain/model.ts';

/** An event of the feed with its position (its cursor's parts). */
export type PositionedEvent = DomainEvent & { position: FeedPosition };

/** Receives, in feed order, every event of its workspace the follower reads after it subscribed. */
export type FeedListener = (events: PositionedEvent[]) => void;

export interface FeedSubscription {
  /** Where the follower stood when the listener joined: every later event reaches the listener. */
  readonly start: FeedPosition | null;
  unsubscribe(): void;
}

export interface FeedFollowerOptions {
  /** How often the feed is read while someone listens (default 200 ms). */
  intervalMs?: number;
  /** Events read per query; a full page is followed by another read at once. */
  batch?: number;
  log?: FastifyBaseLogger;
}

interface Followed {
  /** The newest position read; null while the workspace's feed is empty. */
  cursor: FeedPosition | null;
  listeners: Set<FeedListener>;
  /** Resolves once `cursor` holds the end of the feed as of the first subscription. */
  ready: Promise<void>;
}

/**
 * Follows the event feed in the database (not an in-process bus), so a change committed by any
 * server process on the same database reaches this one's listeners. One loop per process reads
 * each workspace that has listeners, after the newest position it has seen, every `intervalMs`;
 * it does not query at all while nobody listens. The feed's own visibility rule (on PostgreSQL,
 * only transactions older than every running one) guarantees that nothing shows up later behind
 * a position already read, so following by position loses nothing.
 */
export class FeedFollower {
  private readonly followed = new Map<string, Followed>();
  private readonly intervalMs: number;
  private readonly batch: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly closeHooks = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    private readonly options: FeedFollowerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.batch = options.batch ?? 500;
  }

  /**
   * Adds a listener of a workspace's feed. The subscription's `start` is the follower's position
   * when the listener joined; every event after it reaches the listener, so a caller that reads
   * the feed itself up to at least `start` and then takes the listener's events after what it
   * read has neither gap nor duplicate.
   */
  async subscribe(workspaceId: string, listener: FeedListener): Promise<FeedSubscription> {
    if (this.closed) throw new Error('the feed follower is closed');
    let entry = this.followed.get(workspaceId);
    if (!entry) {
      const created: Followed = { cursor: null, listeners: new Set(), ready: Promise.resolve() };
      created.ready = readFeedEnd(this.db, this.engine, workspaceId).then((end) => {
        created.cursor = end;
      });
      entry = created;
      this.followed.set(workspaceId, entry);
    }
    entry.listeners.add(listener);
    const followed = entry;
    const unsubscribe = () => {
      followed.listeners.delete(listener);
      if (followed.listeners.size === 0 && this.followed.get(workspaceId) === followed) this.followed.delete(workspaceId);
    };
    try {
      await followed.ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    this.schedule();
    return { start: followed.cursor, unsubscribe };
  }

  /** Called once when the follower closes (streams end themselves here). */
  onClose(hook: () => void): () => void {
    this.closeHooks.add(hook);
    return () => this.closeHooks.delete(hook);
  }

  /** Workspaces followed now, for tests and diagnostics. */
  get workspaces(): number {
    return this.followed.size;
  }

  /** Stops the loop and tells every open stream to end; resolves once an in-flight read finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const hook of [...this.closeHooks]) {
      try {
        hook();
      } catch (error) {
        this.options.log?.error({ err: error }, 'event stream failed to close');
      }
    }
    this.closeHooks.clear();
    this.followed.clear();
    await this.running;
  }

  private schedule(): void {
    if (this.closed || this.timer || this.running || this.followed.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.poll().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    for (const [workspaceId, entry] of [...this.followed]) {
      if (this.closed) return;
      try {
        await this.readWorkspace(workspaceId, entry);
      } catch (error) {
        this.options.log?.error({ err: error, workspaceId }, 'reading the event feed for streams failed');
      }
    }
  }

  private async readWorkspace(workspaceId: string, entry: Followed): Promise<void> {
    for (;;) {
      const { events } = await readEventFeed(this.db, this.engine, workspaceId, entry.cursor, null, this.batch);
      if (events.length === 0 || this.closed) return;
      entry.cursor = events[events.length - 1].position;
      for (const listener of [...entry.listeners]) {
        try {
          listener(events);
        } catch (error) {
          this.options.log?.error({ err: error, workspaceId }, 'an event stream listener failed');
        }
      }
      if (events.length < this.batch || entry.listeners.size === 0) return;
    }
  }
}
