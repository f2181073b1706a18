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

test("another workspace's key gets 404 for GET, PATCH and DELETE of a bot", async () => {
  const bot = await create(h, 'bots', { name: 'Mine', channelId: h.ws.channelId });
  await assertForeignIs404(h, 'bots', bot.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/bots/${bot.id}`)).json.name, 'Mine');
});

test("a bot cannot be put on another workspace's channel", async () => {
  assertError(await call(h, 'POST', '/api/v1/bots', { body: { name: 'intruder', channelId: h.other.channelId } }), 404, { reason: 'channel_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/bots/${h.ws.botId}`, { body: { channelId: h.other.channelId } }), 404, { reason: 'channel_not_found' });
  assert.equal((await call(h, 'GET', `/api/v1/bots/${h.ws.botId}`)).json.channelId, h.ws.channelId);
});

test('lists never show the other workspace bots, even filtered by its channel', async () => {
  assert.ok(!(await listAll(h, 'bots')).some((b) => b.id === h.other.botId));
  assert.deepEqual(await listAll(h, 'bots', { query: { channelId: h.other.channelId } }), []);
  assert.ok(!(await listAll(h, 'bots', { ws: h.other })).some((b) => b.id === h.ws.botId));
});

test('bot routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/bots', { key: null }), 401);
  assertError(await call(h, 'DELETE', `/api/v1/bots/${h.ws.botId}`, { key: 'Bearer nope' }), 401);
});
