import assert from 'node:assert/strict';
import type { FeedEvent as NativeFeedEvent } from '../../src/dialects/native/events.ts';
import { call, type Harness } from './harness.ts';

/** An event as the feed shows it, its payload read loosely. */
export type FeedEvent = Omit<NativeFeedEvent, 'payload'> & { payload: any };

/** Where the feed ends now: events after this cursor are the ones a test causes next. */
export async function feedEnd(h: Harness): Promise<string | null> {
  let cursor: string | null = null;
  for (;;) {
    const page = await call(h, 'GET', '/api/v1/events', { query: { ...(cursor ? { after: cursor } : {}), limit: '200' } });
    assert.equal(page.status, 200, page.body);
    if (page.json.data.length === 0) return cursor;
    cursor = page.json.nextCursor;
  }
}

/**
 * The events after `after` that `mine` selects, once `wanted` of them show. On PostgreSQL the feed
 * lags while older transactions of the cluster (other test files) are open, so it is polled.
 */
export async function feedAfter(h: Harness, after: string | null, mine: (e: FeedEvent) => boolean, wanted = 1): Promise<FeedEvent[]> {
  const found: FeedEvent[] = [];
  let cursor = after;
  for (let i = 0; i < 300; i++) {
    const page = await call(h, 'GET', '/api/v1/events', { query: { ...(cursor ? { after: cursor } : {}), limit: '200' } });
    assert.equal(page.status, 200, page.body);
    found.push(...(page.json.data as FeedEvent[]).filter(mine));
    cursor = page.json.nextCursor;
    if (found.length >= wanted) return found;
    if (page.json.data.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`only ${found.length} of ${wanted} events showed in the feed`);
}

/** The one event of this type (for this conversation, when given) after `after`. */
export async function feedEvent(h: Harness, after: string | null, type: string, conversationId?: string): Promise<FeedEvent> {
  const [event] = await feedAfter(h, after, (e) => e.type === type && (conversationId === undefined || e.conversationId === conversationId));
  return event!;
}

/** No `workspaceId` key and no epoch number (seconds or milliseconds) anywhere in the value. */
export function assertNoInternals(value: unknown, path = 'payload'): void {
  if (typeof value === 'number') assert.ok(Math.abs(value) < 1e9, `${path} is ${value}: an epoch time, not ISO 8601`);
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      assert.notEqual(key, 'workspaceId', `${path} carries workspaceId`);
      assertNoInternals(v, `${path}.${key}`);
    }
  }
}

/** Equal values with the same keys in the same order: the same JSON, field for field. */
export function assertSameJson(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(actual, expected, message);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${message ?? 'same JSON'}: keys in the same order`);
}
