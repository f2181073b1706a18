import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, engineBanner, type Harness } from '../helpers/harness.ts';
import { feedEnd } from '../helpers/feed.ts';
import { SseClient, listening } from '../helpers/sse.ts';
import { eventVisibleTo } from '../../src/events/visibility.ts';
import { keyPrincipal } from '../../src/domain/api-keys.ts';

// A stream carries only its workspace's events, whatever cursor it resumes from.

let h: Harness;
let base: string;
const open: SseClient[] = [];

before(async () => {
  h = await startHarness({ eventStreamPollMs: 50 });
  base = await listening(h);
});
after(async () => {
  for (const client of open) client.close();
  await h.close();
});

async function stream(key: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(base, '/api/v1/events/stream', { key, headers });
  open.push(client);
  return client;
}

const messageIds = (client: SseClient) =>
  client.events.map((f) => JSON.parse(f.data)).flatMap((e) => (e.type === 'message.created' ? [e.payload.message.id as string] : []));

describe(`GET /api/v1/events/stream isolation (${engineBanner()})`, () => {
  test("another workspace's events never appear, live or in the catch-up", async () => {
    await inbound(h, { text: 'a start' });
    const cursor = await feedEnd(h);
    const theirsBefore = await inbound(h, { ws: h.other, text: 'secret before' });
    const mineBefore = await inbound(h, { text: 'mine before' });
    const mine = await stream(h.ws.apiKey, cursor ? { 'last-event-id': cursor } : {});
    const theirs = await stream(h.other.apiKey);
    await mine.live();
    await theirs.live();
    const theirsLive = await inbound(h, { ws: h.other, text: 'secret live' });
    const mineLive = await inbound(h, { text: 'mine live' });
    await mine.until((c) => messageIds(c).includes(mineLive.messageId), 'my live message');
    await theirs.until((c) => messageIds(c).includes(theirsLive.messageId), 'their live message');

    assert.deepEqual(messageIds(mine), [mineBefore.messageId, mineLive.messageId]);
    assert.deepEqual(messageIds(theirs), [theirsLive.messageId]);
    for (const frame of mine.events) {
      assert.ok(!frame.data.includes(h.other.workspaceId), 'no other workspace id');
      assert.ok(!frame.data.includes('secret'), 'no other workspace content');
    }
    assert.ok(!messageIds(mine).includes(theirsBefore.messageId));
  });

  test("resuming from another workspace's cursor shows only the caller's own events", async () => {
    await inbound(h, { ws: h.other, text: 'secret' });
    const theirCursor = (await h.app.inject({ url: '/api/v1/events?limit=1', headers: { authorization: `Bearer ${h.other.apiKey}` } })).json().nextCursor;
    const client = await stream(h.ws.apiKey, { 'last-event-id': theirCursor });
    await client.live();
    for (const frame of client.events) assert.ok(!frame.data.includes('secret'));
    assert.ok(client.events.length > 0, 'the caller’s own events after that position');
  });

  test('the visibility hook admits keys and admins of the event’s workspace, and agents only within their inboxes', () => {
    const event = { id: 'e', workspaceId: h.ws.workspaceId, type: 'webhook.test' as const, conversationId: null, payload: {}, createdAt: 0 };
    assert.equal(eventVisibleTo(keyPrincipal(h.ws.workspaceId, 'k'), event), true);
    assert.equal(eventVisibleTo(keyPrincipal(h.other.workspaceId, 'k'), event), false);
    const agent = { workspaceId: h.ws.workspaceId, apiKeyId: null, userId: 'u1', access: 'agent' as const, inboxIds: ['i1'], onlyAssignedConversations: false };
    const about = (inboxId: string, assigneeUserId: string | null) => ({
      ...event,
      type: 'conversation.updated' as const,
      conversationId: 'c',
      payload: { conversation: { inboxId, assigneeUserId } },
    });
    assert.equal(eventVisibleTo(agent, event), false, 'not a webhook test');
    assert.equal(eventVisibleTo(agent, about('i1', null)), true);
    assert.equal(eventVisibleTo(agent, about('i2', null)), false, 'not another inbox');
    assert.equal(eventVisibleTo({ ...agent, onlyAssignedConversations: true }, about('i1', 'u2')), false, 'not a colleague’s');
    assert.equal(eventVisibleTo({ ...agent, onlyAssignedConversations: true }, about('i1', 'u1')), true);
    assert.equal(eventVisibleTo({ ...agent, inboxIds: null }, about('i2', null)), true, 'every inbox');
    assert.equal(eventVisibleTo(agent, { ...event, type: 'contact.created' as const, payload: { person: { inboxId: 'i1' } } }), true);
  });

  test('the stream answers with nosniff and never sets a cookie', async () => {
    const client = await stream(h.ws.apiKey);
    assert.equal(client.headers['x-content-type-options'], 'nosniff');
    assert.equal(client.headers['set-cookie'], undefined);
  });
});
