import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs';
import { promisify } from 'node:util';

export type SyncFile = (fd: number) => Promise<void>;

const defaultSync: SyncFile = promisify(fdatasync);

/**
 * Makes SQLite's commits durable off the main thread, without holding the connection meanwhile.
 *
 * better-sqlite3 runs statements on the main thread, and with `synchronous = FULL` every COMMIT
 * waited there for the WAL's fsync. The store runs WAL mode with `synchronous = NORMAL` instead
 * (SQLite then syncs the WAL only at checkpoints and when it starts the file anew, so it is never
 * corrupt) and flushes the WAL itself with fdatasync on libuv's thread pool. Commits are numbered
 * as the connection is released after them; every use of the connection, a read as much as a
 * write, is answered only once every commit made before its release is on disk, so nothing is
 * answered, sent or shown before what it saw is durable: `synchronous = FULL`'s guarantee. The
 * connection itself is free during a flush, so the next commit group writes while the disk works,
 * and one flush covers every commit made before it started.
 */
export class WalSync {
  private written = false;
  /** Commits made on the connection, and how many of them are known to be on disk. */
  private committed = 0;
  private durable = 0;
  private flushing: Promise<void> | null = null;
  private waiters: { upTo: number; resolve(): void; reject(error: unknown): void }[] = [];
  private fd: number | null = null;
  /** A flush that failed: Linux may have dropped the pages it could not write, so no later flush proves them durable. */
  private failure: unknown = null;

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile = defaultSync,
  ) {}

  /** A statement that writes is about to run. */
  noteWrite(): void {
    this.written = true;
  }

  /**
   * The connection is being released. Resolves once every commit made so far is on disk: at once
   * when they are; otherwise with the flush that covers them (started here if none runs).
   */
  released(inTransaction: boolean): Promise<void> | null {
    if (this.written && !inTransaction) {
      this.written = false;
      this.committed++;
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.durable >= this.committed) return null;
    const upTo = this.committed;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
    this.flushing ??= this.flushLoop();
    return done;
  }

  /** Waits for the flush in progress, then closes the WAL's descriptor. */
  async close(): Promise<void> {
    await this.flushing;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Flushes until every commit made is on disk; each flush covers the commits made before it started. */
  private async flushLoop(): Promise<void> {
    try {
      while (this.durable < this.committed) {
        const upTo = this.committed;
        try {
          await this.syncFile(this.walFile());
        } catch (error) {
          // As PostgreSQL stops on a failed fsync: every waiter and every later query is refused
          // until the server restarts and SQLite reads back what the disk holds.
          this.failure = error;
          const failed = this.waiters;
          this.waiters = [];
          for (const waiter of failed) waiter.reject(error);
          return;
        }
        this.durable = upTo;
        const done = this.waiters.filter((w) => w.upTo <= upTo);
        this.waiters = this.waiters.filter((w) => w.upTo > upTo);
        for (const waiter of done) waiter.resolve();
      }
    } finally {
      this.flushing = null;
    }
  }

  /** The WAL's descriptor; opened anew if SQLite deleted the file since (it does when the last connection closes). */
  private walFile(): number {
    if (this.fd !== null && fstatSync(this.fd).nlink === 0) {
      closeSync(this.fd);
      this.fd = null;
    }
    this.fd ??= openSync(this.walPath, 'r');
    return this.fd;
  }
}
