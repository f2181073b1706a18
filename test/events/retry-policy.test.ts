import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_MS, MAX_ATTEMPTS, MAX_RETRY_AFTER_MS, afterFailedAttempt, backoffDelayMs, parseRetryAfter } from '../../src/events/retry-policy.ts';

const NOW = Date.UTC(2026, 5, 8, 2, 33, 36);
const fixed = (value: number) => () => value;
// random() = 0.5 means no jitter; 0 is the low edge (−20 %), just under 1 the high edge (+20 %).
const noJitter = fixed(0.5);

test('the schedule is 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h', () => {
  assert.deepEqual(BACKOFF_MS, [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]);
  assert.equal(MAX_ATTEMPTS, 8);
  for (let attempt = 1; attempt <= 8; attempt++) assert.equal(backoffDelayMs(attempt, noJitter), BACKOFF_MS[attempt - 1]);
});

test('jitter stays within ±20 % and reaches both edges', () => {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const base = BACKOFF_MS[attempt - 1];
    assert.equal(backoffDelayMs(attempt, fixed(0)), Math.round(base * 0.8));
    assert.ok(Math.abs(backoffDelayMs(attempt, fixed(0.999999)) - base * 1.2) <= base * 1e-5);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(attempt);
      assert.ok(delay >= base * 0.8 - 1 && delay <= base * 1.2 + 1, `attempt ${attempt}: ${delay}`);
    }
  }
});

test('jitter actually varies the delay', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3)));
  assert.ok(delays.size > 1);
});

test('attempt numbers outside 1..8 are clamped to the schedule', () => {
  assert.equal(backoffDelayMs(0, noJitter), 5_000);
  assert.equal(backoffDelayMs(12, noJitter), 21_600_000);
});

test('failed attempts 1 to 7 are retried after the scheduled delay; the 8th fails for good', () => {
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    assert.deepEqual(afterFailedAttempt(attempt, NOW, null, noJitter), { status: 'RETRYING', nextAttemptAt: NOW + BACKOFF_MS[attempt - 1] });
  }
  assert.deepEqual(afterFailedAttempt(8, NOW, null, noJitter), { status: 'FAILED' });
  // A manual retry of a FAILED delivery gets one more attempt, not a new schedule.
  assert.deepEqual(afterFailedAttempt(9, NOW, null, noJitter), { status: 'FAILED' });
});

test('Retry-After replaces the computed delay, even a shorter one', () => {
  assert.deepEqual(afterFailedAttempt(5, NOW, '7', noJitter), { status: 'RETRYING', nextAttemptAt: NOW + 7_000 });
  assert.deepEqual(afterFailedAttempt(1, NOW, '120', noJitter), { status: 'RETRYING', nextAttemptAt: NOW + 120_000 });
});

test('Retry-After does not extend the number of attempts', () => {
  assert.deepEqual(afterFailedAttempt(8, NOW, '5', noJitter), { status: 'FAILED' });
});

test('Retry-After in seconds', () => {
  assert.equal(parseRetryAfter('0', NOW), 0);
  assert.equal(parseRetryAfter('30', NOW), 30_000);
  assert.equal(parseRetryAfter(' 90 ', NOW), 90_000);
});

test('Retry-After as an HTTP date', () => {
  const at = new Date(NOW + 90_000).toUTCString();
  assert.match(at, /GMT$/);
  assert.equal(parseRetryAfter(at, NOW), 90_000);
  assert.equal(parseRetryAfter('Mon, 08 Jun 2026 02:35:06 GMT', NOW), 90_000);
});

test('Retry-After in the past means at once', () => {
  assert.equal(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW), 0);
});

test('Retry-After is capped at 6 h', () => {
  assert.equal(MAX_RETRY_AFTER_MS, 6 * 3_600_000);
  assert.equal(parseRetryAfter('999999', NOW), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter(new Date(NOW + 48 * 3_600_000).toUTCString(), NOW), MAX_RETRY_AFTER_MS);
  assert.deepEqual(afterFailedAttempt(2, NOW, '86400', noJitter), { status: 'RETRYING', nextAttemptAt: NOW + MAX_RETRY_AFTER_MS });
});

test('an absent or unreadable Retry-After falls back to the schedule', () => {
  for (const value of [null, undefined, '', '   ', '-5', '1.5', '+3', 'soon', '12abc']) {
    assert.equal(parseRetryAfter(value, NOW), null, String(value));
  }
  assert.deepEqual(afterFailedAttempt(2, NOW, 'soon', noJitter), { status: 'RETRYING', nextAttemptAt: NOW + 30_000 });
});
