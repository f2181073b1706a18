/**
 * At most `perSecond` sends per second per channel, with bursts of up to one second's worth.
 * Per process: two server processes may together send twice the rate (Meta answers 130429, retried).
 */
export class ChannelRateLimit {
  /** When each channel's next send is due if it never bursts (GCRA's theoretical arrival time). */
  private readonly nextAt = new Map<string, number>();

  constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))) {}

  /** Waits until this channel may send once more, and takes that turn. */
  async take(channelId: string, perSecond: number): Promise<void> {
    const interval = 1000 / Math.max(perSecond, 1);
    const now = Date.now();
    const due = Math.max(this.nextAt.get(channelId) ?? now, now);
    this.nextAt.set(channelId, due + interval);
    // A full second of tokens may be spent at once; beyond it, each send waits its interval.
    const wait = due - now - (1000 - interval);
    if (wait > 0) await this.sleep(wait);
  }
}
