import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, assertKeys, assertPaginates, assertTimes, create, listAll, ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const CHANNEL_KEYS = ['id', 'inboxId', 'kind', 'name', 'config', 'createdAt', 'updatedAt'];

test('POST /channels creates a sandbox channel in an inbox; GET and the list show it', async () => {
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Test line' });
  assertKeys(channel, CHANNEL_KEYS);
  assert.match(channel.id, ID);
  assert.equal(channel.inboxId, h.ws.inboxId);
  assert.equal(channel.kind, 'sandbox');
  assert.equal(channel.name, 'Test line');
  assert.deepEqual(channel.config, {});
  assertTimes(channel, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/channels/${channel.id}`)).json, channel);
  assert.deepEqual(
    (await listAll(h, 'channels')).find((c) => c.id === channel.id),
    channel,
  );
});

test('config is stored as given and replaced by PATCH', async () => {
  const config = { greeting: 'Olá', retries: 3, nested: { on: true, list: [1, 'a', null] } };
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Configured', config });
  assert.deepEqual(channel.config, config);
  const patched = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { name: 'Renamed', config: { other: 1 } } });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, CHANNEL_KEYS);
  assert.equal(patched.json.name, 'Renamed');
  assert.deepEqual(patched.json.config, { other: 1 });
  assert.equal(patched.json.inboxId, h.ws.inboxId);
  assert.deepEqual((await call(h, 'GET', `/api/v1/channels/${channel.id}`)).json, patched.json);
  const noop = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { name: 'Renamed' } });
  assert.equal(noop.json.updatedAt, patched.json.updatedAt);
});

test('GET /channels filters by inbox and kind', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Second' });
  const channel = await create(h, 'channels', { inboxId: inbox.id, kind: 'sandbox', name: 'Second line' });
  const inSecond = await listAll(h, 'channels', { query: { inboxId: inbox.id } });
  assert.deepEqual(
    inSecond.map((c) => c.id),
    [channel.id],
  );
  assert.ok((await listAll(h, 'channels', { query: { kind: 'sandbox' } })).some((c) => c.id === h.ws.channelId));
  assert.deepEqual(await listAll(h, 'channels', { query: { kind: 'whatsapp' } }), []);
});

test('a new sandbox channel takes inbound messages, and then cannot be deleted', async () => {
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Live' });
  const res = await call(h, 'POST', `/api/v1/channels/${channel.id}/inbound`, {
    body: { from: { phone: '5511988887777' }, message: { type: 'text', text: 'oi' } },
  });
  assert.equal(res.status, 200, res.body);
  const conversation = await call(h, 'GET', `/api/v1/conversations/${res.json.conversationId}`);
  assert.equal(conversation.json.channelId, channel.id);
  const refused = await call(h, 'DELETE', `/api/v1/channels/${channel.id}`);
  assertError(refused, 409, { reason: 'channel_has_conversations' });
  assert.match(refused.json.error.message, /conversations/);
});

test('DELETE /channels/{id} answers 204; the channel is then 404 everywhere, also for inbound', async () => {
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Short-lived' });
  const deleted = await call(h, 'DELETE', `/api/v1/channels/${channel.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/channels/${channel.id}`), 404, { reason: 'channel_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/channels/${channel.id}`), 404);
  assert.ok(!(await listAll(h, 'channels')).some((c) => c.id === channel.id));
  assertError(
    await call(h, 'POST', `/api/v1/channels/${channel.id}/inbound`, { body: { from: { phone: '5511988886666' }, message: { type: 'text', text: 'oi' } } }),
    404,
  );
  assertError(await call(h, 'POST', '/api/v1/bots', { body: { name: 'b', channelId: channel.id } }), 404, { reason: 'channel_not_found' });
});

test('Idempotency-Key on POST /channels replays the first answer', async () => {
  const body = { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Idem' };
  const headers = { 'idempotency-key': 'channel-1' };
  const first = await call(h, 'POST', '/api/v1/channels', { body, headers });
  const replay = await call(h, 'POST', '/api/v1/channels', { body, headers });
  assert.equal(first.status, 201);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/channels', { body: { ...body, name: 'Idem 2' }, headers }), 409);
  assert.equal((await listAll(h, 'channels')).filter((c) => c.name === 'Idem').length, 1);
});

test('GET /channels pages by id', async () => {
  await inbound(h);
  await assertPaginates(h, 'channels', 4);
});
