import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertForeignIs404, create, listAll } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test("another workspace's key gets 404 for GET, PATCH and DELETE of a channel", async () => {
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Mine' });
  await assertForeignIs404(h, 'channels', channel.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/channels/${channel.id}`)).json.name, 'Mine');
});

test("a channel cannot be created in another workspace's inbox", async () => {
  const res = await call(h, 'POST', '/api/v1/channels', { key: h.other.apiKey, body: { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'intruder' } });
  assertError(res, 404, { reason: 'inbox_not_found' });
  assert.ok(!(await listAll(h, 'channels')).some((c) => c.name === 'intruder'));
});

test('lists never show the other workspace channels, even filtered by its inbox', async () => {
  const mine = await listAll(h, 'channels');
  assert.ok(mine.length > 0);
  assert.ok(!mine.some((c) => c.id === h.other.channelId));
  assert.deepEqual(await listAll(h, 'channels', { query: { inboxId: h.other.inboxId } }), []);
  assert.ok(!(await listAll(h, 'channels', { ws: h.other })).some((c) => c.id === h.ws.channelId));
});

test('channel routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/channels', { key: null }), 401);
  assertError(await call(h, 'PATCH', `/api/v1/channels/${h.ws.channelId}`, { key: 'cvs_live_nope', body: { name: 'x' } }), 401);
});
