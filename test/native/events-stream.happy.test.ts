import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, engineBanner, ENGINE, type Harness } from '../helpers/harness.ts';
import { feedAfter, feedEnd, type FeedEvent } from '../helpers/feed.ts';
import { SseClient, listening } from '../helpers/sse.ts';
import { openStore } from '../../src/db/connect.ts';
import { buildApp } from '../../src/app.ts';

// GET /api/v1/events/stream: the feed's events, ids and data, pushed as they commit.

let h: Harness;
let base: string;
const open: SseClient[] = [];

before(async () => {
  h = await startHarness({ eventStreamHeartbeatMs: 100, eventStreamPollMs: 50 });
  base = await listening(h);
});
after(async () => {
  for (const client of open) client.close();
  await h.close();
});

async function stream(path: string, options: { key?: string | null; headers?: Record<string, string> } = {}): Promise<SseClient> {
  const client = await SseClient.open(base, path, { key: h.ws.apiKey, ...options });
  open.push(client);
  return client;
}

/** What the stream carried, as the feed's items. */
const itemsOf = (client: SseClient): FeedEvent[] => client.events.map((f) => JSON.parse(f.data));

/** Every event of the feed after `cursor`, once at least `wanted` show. */
const feedFrom = (cursor: string | null, wanted: number, types?: string[]) => feedAfter(h, cursor, (e) => !types || types.includes(e.type), wanted);

describe(`GET /api/v1/events/stream (${engineBanner()})`, () => {
  test('answers text/event-stream, uncached and unbuffered, then pushes new events with the feed’s ids and data', async () => {
    const cursor = await feedEnd(h);
    const client = await stream('/api/v1/events/stream');
    assert.equal(client.status, 200);
    assert.match(String(client.headers['content-type']), /^text\/event-stream/);
    assert.equal(client.headers['cache-control'], 'no-cache');
    assert.equal(client.headers['x-accel-buffering'], 'no');
    assert.equal(client.headers['x-content-type-options'], 'nosniff');
    assert.ok(client.headers['x-request-id']);
    await client.live();

    await inbound(h, { text: 'one' });
    await inbound(h, { text: 'two' });
    const feed = await feedFrom(cursor, 1);
    const expected = await feedFrom(cursor, feed.length);
    await client.until((c) => c.events.length >= expected.length, `${expected.length} events`);

    assert.deepEqual(
      client.events.map((f) => f.id),
      expected.map((e) => e.cursor),
      'id: is the feed cursor, in feed order',
    );
    assert.deepEqual(
      client.events.map((f) => f.event),
      expected.map((e) => e.type),
      'event: is the type',
    );
    assert.deepEqual(itemsOf(client), expected, 'data: is the event exactly as GET /api/v1/events lists it');
    assert.ok(expected.some((e) => e.type === 'message.created' && e.payload.message.content === 'two'));
  });

  test('without Last-Event-ID the stream starts now: earlier events are not replayed', async () => {
    await inbound(h, { text: 'before' });
    const client = await stream('/api/v1/events/stream');
    await client.live();
    assert.equal(client.events.length, 0);
    const { messageId } = await inbound(h, { text: 'after' });
    await client.until((c) => itemsOf(c).some((e) => e.type === 'message.created' && e.payload.message.id === messageId), 'the new message');
    assert.ok(!itemsOf(client).some((e) => e.type === 'message.created' && e.payload.message.content === 'before'));
  });

  test('going live, the stream sends an id: of its position without an event, so a client that saw no event resumes from there', async () => {
    const client = await stream('/api/v1/events/stream');
    await client.live();
    const position = client.frames.find((f) => f.id !== undefined && f.data === undefined)?.id;
    assert.equal(position, await feedEnd(h), 'the id-only frame is the feed’s end when the stream went live');
    assert.equal(client.events.length, 0, 'it dispatches no event');
    client.close();
    // Meanwhile (the connection is down) a message arrives; a browser reconnects with that id as Last-Event-ID.
    const { messageId } = await inbound(h, { text: 'while away' });
    const resumed = await stream('/api/v1/events/stream', { headers: { 'last-event-id': position! } });
    await resumed.until((c) => itemsOf(c).some((e) => e.type === 'message.created' && e.payload.message.id === messageId), 'the message sent while away');
  });

  test('Last-Event-ID resumes with exactly the events after it while new ones are being written: no gap, no duplicate', async () => {
    const cursor = await feedEnd(h);
    await inbound(h, { text: 'r1' });
    await inbound(h, { text: 'r2' });
    const writing = (async () => {
      for (let i = 0; i < 8; i++) await inbound(h, { text: `w${i}` });
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const client = await stream('/api/v1/events/stream', { headers: { 'last-event-id': cursor! } });
    await writing;
    const end = await feedEnd(h);
    await client.until((c) => c.events.at(-1)?.id === end, 'the feed’s last event');
    const expected = await feedFrom(cursor, 1);
    const all = await feedAfter(h, cursor, () => true, expected.length);
    assert.deepEqual(
      client.events.map((f) => f.id),
      all.map((e) => e.cursor),
    );
    assert.equal(new Set(client.events.map((f) => f.id)).size, client.events.length, 'no duplicate');
  });

  test('?lastEventId= resumes like the header (for clients that cannot set headers); the header wins over it', async () => {
    const first = await feedEnd(h);
    await inbound(h, { text: 'q1' });
    const second = await feedEnd(h);
    await inbound(h, { text: 'q2' });
    const expectedFromFirst = await feedFrom(first, 1);
    const all = await feedAfter(h, first, () => true, expectedFromFirst.length);
    const fromSecond = all.slice(all.findIndex((e) => e.cursor === second) + 1);

    const byQuery = await stream(`/api/v1/events/stream?lastEventId=${first}`);
    await byQuery.live();
    assert.deepEqual(
      byQuery.events.map((f) => f.id),
      all.map((e) => e.cursor),
    );

    const both = await stream(`/api/v1/events/stream?lastEventId=${first}`, { headers: { 'last-event-id': second! } });
    await both.live();
    assert.deepEqual(
      both.events.map((f) => f.id),
      fromSecond.map((e) => e.cursor),
    );
  });

  test('?types= keeps only those types, in catch-up and live', async () => {
    const cursor = await feedEnd(h);
    await inbound(h, { text: 't1' });
    const client = await stream(`/api/v1/events/stream?types=message.created,%20contact.created&lastEventId=${cursor}`);
    await client.live();
    await inbound(h, { text: 't2' });
    const types = ['message.created', 'contact.created'];
    const expected = await feedFrom(cursor, 2, ['message.created']);
    const all = (await feedAfter(h, cursor, () => true, 1)).filter((e) => types.includes(e.type));
    await client.until((c) => c.events.length >= all.length, `${all.length} events`);
    assert.ok(expected.length >= 2);
    assert.ok(client.events.every((f) => types.includes(f.event!)));
    assert.deepEqual(itemsOf(client), all);
  });

  test('a comment heartbeat keeps the connection alive (every 15 s by default; 100 ms here)', async () => {
    const client = await stream('/api/v1/events/stream');
    await client.until((c) => c.comments('keep-alive') >= 2, 'two heartbeats');
  });

  test('a client that goes away leaves nothing behind: the follower stops reading its workspace', async () => {
    const client = await stream('/api/v1/events/stream?types=webhook.test');
    await client.live();
    assert.ok(h.app.feedFollower.workspaces >= 1);
    for (const c of open) c.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(h.app.feedFollower.workspaces, 0);
  });

  test('closing the app ends open streams instead of waiting for them', async () => {
    const other = await startHarness();
    try {
      const otherBase = await listening(other);
      const client = await SseClient.open(otherBase, '/api/v1/events/stream', { key: other.ws.apiKey });
      await client.live();
      await other.app.close();
      await client.finished();
    } finally {
      await other.close();
    }
  });

  test('on PostgreSQL, an event committed by another server process on the same database reaches the stream', {
    skip: ENGINE !== 'postgres' && 'PostgreSQL only (several processes on one database)',
  }, async () => {
    const store = openStore(h.url, { poolSize: 2 });
    const second = await buildApp(h.config, store, { logger: false });
    await second.ready();
    try {
      const client = await stream('/api/v1/events/stream?types=message.created');
      await client.live();
      const res = await second.inject({
        method: 'POST',
        url: `/api/v1/channels/${h.ws.channelId}/inbound`,
        headers: { authorization: `Bearer ${h.ws.apiKey}` },
        payload: { from: { phone: '5511988887777', name: 'Other process' }, message: { type: 'text', text: 'from the second process' } },
      });
      assert.equal(res.statusCode, 200, res.body);
      const { messageId } = res.json();
      await client.until((c) => itemsOf(c).some((e) => e.payload.message.id === messageId), 'the second process’s message');
    } finally {
      await second.close();
      await store.close();
    }
  });
});
