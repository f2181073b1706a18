import { isOutOfSpace } from './out-of-space.ts';

export interface StorageRefusal {
  /** When the first write was refused (epoch ms). */
  since: number;
  /** The latest refusal's own words (`database or disk is full`, …). */
  message: string;
}

/**
 * Whether writes can commit, as the latest writes tell: a write refused for want of space raises
 * the refusal, any commit clears it. Readiness reads it, and while it stands tries a small write of
 * its own, so a server whose disk filled up becomes ready again by itself once space returns.
 */
export class StorageHealth {
  private current: StorageRefusal | null = null;
  private probing: Promise<unknown> | null = null;

  get refusal(): StorageRefusal | null {
    return this.current;
  }

  noteFailure(error: unknown): void {
    if (!isOutOfSpace(error)) return;
    this.current = { since: this.current?.since ?? Date.now(), message: (error as Error).message };
  }

  noteCommit(): void {
    this.current = null;
  }

  /** While a refusal stands, runs `probe` (one at a time, however many callers ask) and answers the refusal still standing after it. */
  async recheck(probe: () => Promise<unknown>): Promise<StorageRefusal | null> {
    if (!this.current) return null;
    // The probe's own failure is noted like any write's; what it says is in `current`.
    this.probing ??= probe()
      .catch(() => {})
      .finally(() => {
        this.probing = null;
      });
    await this.probing;
    return this.current;
  }
}
