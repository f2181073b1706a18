import { fdatasync, fstatSync, openSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';

export type SyncFile = (fd: number) => Promise<void>;

const defaultSync: SyncFile = promisify(fdatasync);

/**
 * Makes SQLite's commits durable off the main thread. better-sqlite3 runs statements on the main
 * thread, and with `synchronous = FULL` every COMMIT waited there for the WAL's fsync, serving
 * nothing meanwhile. The store runs WAL mode with `synchronous = NORMAL` instead (SQLite then syncs
 * the WAL only at checkpoints and when it starts the WAL anew, so the file is never corrupt), and
 * this flushes the WAL with fdatasync on libuv's thread pool after anything was written and before
 * the connection is handed on: the caller's promise settles, and any other query runs, only once
 * the write is on disk. That is `synchronous = FULL`'s guarantee, with the main thread free to
 * parse requests and send webhooks during the sync.
 */
export class WalSync {
  private written = false;
  private fd: number | null = null;

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile = defaultSync,
  ) {}

  /** A statement that writes is about to run. */
  noteWrite(): void {
    this.written = true;
  }

  /** Flushes the WAL if anything was written since the last flush and no transaction is open. */
  async flush(inTransaction: boolean): Promise<void> {
    if (!this.written || inTransaction) return;
    this.written = false;
    try {
      await this.syncFile(this.walFile());
    } catch (error) {
      // Not known to be on disk: the next flush tries again, and this caller is told.
      this.written = true;
      throw error;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The WAL's descriptor; opened anew if SQLite deleted the file since (it does when the last connection closes). */
  private walFile(): number {
    if (this.fd !== null && fstatSync(this.fd).nlink === 0) this.close();
    this.fd ??= openSync(this.walPath, 'r');
    return this.fd;
  }
}
