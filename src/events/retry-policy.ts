/** Webhook retry policy (spec README §4): pure functions, no clock or randomness of their own. */

/** Attempts per delivery, the first one included. */
export const MAX_ATTEMPTS = 8;

/** Delay after failed attempt n (1-based) is `BACKOFF_MS[n - 1]`, before jitter. */
export const BACKOFF_MS: readonly number[] = [5_000, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];

/** Relative jitter applied to every computed delay: ±20 %. */
export const JITTER = 0.2;

/** A receiver's `Retry-After` is obeyed up to this long, no further. */
export const MAX_RETRY_AFTER_MS = 6 * 3_600_000;

/**
 * Delay before the next attempt after failed attempt `attempt` (1-based), with ±20 % jitter.
 * `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(Math.floor(attempt), 1), BACKOFF_MS.length) - 1;
  const base = BACKOFF_MS[index];
  const factor = 1 + JITTER * (2 * random() - 1);
  return Math.round(base * factor);
}

/**
 * A `Retry-After` header value as a delay in milliseconds from `nowMs`: delta-seconds or an
 * HTTP date; capped at 6 h, never negative; null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  let delay: number;
  if (/^\d+$/.test(text)) {
    delay = Number(text) * 1000;
  } else {
    // HTTP dates always name the weekday and the zone; a bare number with a sign or fraction is not valid.
    if (!/[a-z]/i.test(text)) return null;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    delay = at - nowMs;
  }
  return Math.min(Math.max(delay, 0), MAX_RETRY_AFTER_MS);
}

export type RetryDecision = { status: 'RETRYING'; nextAttemptAt: number } | { status: 'FAILED' };

/**
 * What happens to a delivery after its attempt number `attempt` (1-based, counting every attempt
 * so far) failed at `nowMs`: retry later, or give up after the 8th.
 */
export function afterFailedAttempt(attempt: number, nowMs: number, retryAfter: string | null = null, random: () => number = Math.random): RetryDecision {
  if (attempt >= MAX_ATTEMPTS) return { status: 'FAILED' };
  const delay = parseRetryAfter(retryAfter, nowMs) ?? backoffDelayMs(attempt, random);
  return { status: 'RETRYING', nextAttemptAt: nowMs + delay };
}
