import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, engineBanner, type Harness } from '../helpers/harness.ts';
import { feedEnd } from '../helpers/feed.ts';
import { SseClient, listening } from '../helpers/sse.ts';

// Refusals of GET /api/v1/events/stream come before the stream starts, in the native error shape.

let h: Harness;
let base: string;

before(async () => {
  h = await startHarness();
  base = await listening(h);
});
after(async () => {
  await h.close();
});

/** A refused stream: its status and parsed body, read over a real connection. */
async function refused(path: string, options: { key?: string | null; headers?: Record<string, string> } = {}) {
  const client = await SseClient.open(base, path, { key: h.ws.apiKey, ...options });
  await client.finished();
  assert.match(String(client.headers['content-type']), /^application\/json/);
  return { status: client.status, json: JSON.parse(client.body) };
}

describe(`GET /api/v1/events/stream refusals (${engineBanner()})`, () => {
  test('401 without credentials, and with an unknown key', async () => {
    const missing = await refused('/api/v1/events/stream', { key: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.code, 'unauthorized');
    const unknown = await refused('/api/v1/events/stream', { key: 'not-a-key' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.error.code, 'unauthorized');
    assert.match(unknown.json.error.message, /Invalid API key/);
  });

  test('400 on a Last-Event-ID that is not a feed cursor', async () => {
    for (const bad of ['nope!', Buffer.from('[1]').toString('base64url'), Buffer.from('["1","x"]').toString('base64url'), 'e30']) {
      const res = await refused('/api/v1/events/stream', { headers: { 'last-event-id': bad } });
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.error.code, 'bad_request');
      assert.deepEqual(res.json.error.details.fields, { 'Last-Event-ID': ['is not a valid cursor'] });
    }
  });

  test('400 on a ?lastEventId= that is not a feed cursor, or empty', async () => {
    const res = await refused('/api/v1/events/stream?lastEventId=%25%25');
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'bad_request');
    assert.deepEqual(res.json.error.details.fields, { lastEventId: ['is not a valid cursor'] });
    const empty = await call(h, 'GET', '/api/v1/events/stream', { query: { lastEventId: '' } });
    assert.equal(empty.status, 400, empty.body);
  });

  test('?types= is validated like the feed’s: at most 1,000 characters; unknown query parameters refused', async () => {
    const long = await call(h, 'GET', '/api/v1/events/stream', { query: { types: 'x'.repeat(1001) } });
    assert.equal(long.status, 400, long.body);
    assert.ok(long.json.error.code);
    const feedLong = await call(h, 'GET', '/api/v1/events', { query: { types: 'x'.repeat(1001) } });
    assert.equal(feedLong.status, long.status);
    const unknown = await call(h, 'GET', '/api/v1/events/stream', { query: { after: 'x' } });
    assert.equal(unknown.status, 400, unknown.body);
  });

  test('over inject (no socket) a valid request sends its catch-up and ends instead of hanging', async () => {
    await inbound(h);
    const cursor = await feedEnd(h);
    await inbound(h);
    const res = await call(h, 'GET', '/api/v1/events/stream', { headers: cursor ? { 'last-event-id': cursor } : {} });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    assert.match(res.body, /^id: .+\nevent: message\.created\ndata: \{/m);
  });
});
