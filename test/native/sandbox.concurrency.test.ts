import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const send = (phone: string, text: string, externalId?: string) =>
  call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
    body: { from: { phone, name: 'Concorrente' }, message: { type: 'text', text, ...(externalId ? { externalId } : {}) } },
  });

test('concurrent first messages from one new phone make one person and one conversation', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send('5511966660000', `m${i}`)));
  assert.ok(
    results.every((r) => r.status === 200),
    results.map((r) => r.body).join('\n'),
  );
  assert.equal(new Set(results.map((r) => r.json.personId)).size, 1);
  assert.equal(new Set(results.map((r) => r.json.conversationId)).size, 1);
  const messages = await call(h, 'GET', `/api/v1/conversations/${results[0].json.conversationId}/messages`, { query: { limit: '100' } });
  assert.equal(messages.json.data.length, 20);
  const created = await h.store.db
    .selectFrom('events')
    .select('type')
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('conversation_id', '=', results[0].json.conversationId)
    .where('type', '=', 'conversation.created')
    .execute();
  assert.equal(created.length, 1);
});

test('the same externalId sent concurrently is stored once; every answer names the same message', async () => {
  const results = await Promise.all(Array.from({ length: 10 }, () => send('5511966661111', 'uma vez', 'wamid.race')));
  assert.ok(
    results.every((r) => r.status === 200),
    results.map((r) => r.body).join('\n'),
  );
  assert.equal(new Set(results.map((r) => r.json.messageId)).size, 1);
  assert.equal(results.filter((r) => r.json.duplicate === false).length, 1);
  const messages = await call(h, 'GET', `/api/v1/conversations/${results[0].json.conversationId}/messages`);
  assert.equal(messages.json.data.length, 1);
});

test("a known phone's same externalId sent concurrently is stored once, with one message.created and one set of deliveries", async () => {
  const phone = '5511966662222';
  const first = await send(phone, 'primeira');
  assert.equal(first.status, 200, first.body);
  const hook = await call(h, 'POST', '/api/v1/webhooks', { body: { url: 'https://receiver.example/hook', events: ['message.created'] } });
  assert.equal(hook.status, 201, hook.body);
  const results = await Promise.all(Array.from({ length: 10 }, () => send(phone, 'uma vez', 'wamid.known-race')));
  assert.ok(
    results.every((r) => r.status === 200),
    results.map((r) => r.body).join('\n'),
  );
  const messageId = results[0].json.messageId;
  assert.equal(new Set(results.map((r) => r.json.messageId)).size, 1);
  assert.equal(results.filter((r) => r.json.duplicate === false).length, 1);
  const events = await h.store.db
    .selectFrom('events')
    .select(['id', 'payload'])
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('type', '=', 'message.created')
    .execute();
  const announcing = events.filter((e) => JSON.parse(e.payload).message.id === messageId);
  assert.equal(announcing.length, 1, 'one message.created for the message');
  const deliveries = await h.store.db
    .selectFrom('deliveries')
    .select('id')
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('event_id', '=', announcing[0]!.id)
    .execute();
  assert.equal(deliveries.length, 1, 'one delivery to the one subscription');
  const conversation = await call(h, 'GET', `/api/v1/conversations/${results[0].json.conversationId}`);
  assert.equal(conversation.json.unreadCount, 2, 'the repeats did not count as unread');
});
