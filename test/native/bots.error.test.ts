import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /bots refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'bots', { name: 'b', channelId: h.ws.channelId });
  await assertRefusesBadBodies(h, 'PATCH', `bots/${h.ws.botId}`, { name: 'b' });
});

test('POST /bots refuses missing fields and wrong types', async () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ channelId: h.ws.channelId }, 'name'],
    [{ name: 'b' }, 'channelId'],
    [{ name: '', channelId: h.ws.channelId }, 'name'],
    [{ name: 'b', channelId: 'x' }, 'channelId'],
    [{ name: 'b', channelId: h.ws.channelId, type: '' }, 'type'],
    [{ name: 'b', channelId: h.ws.channelId, type: 3 }, 'type'],
    [{ name: 'b', channelId: h.ws.channelId, type: 'x'.repeat(51) }, 'type'],
    [{ name: 'b', channelId: h.ws.channelId, inboxId: h.ws.inboxId }, 'inboxId'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/bots', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(Object.keys(res.json.error.details.fields).includes(field), `${JSON.stringify(body)} → ${res.body}`);
  }
  assertError(await call(h, 'POST', '/api/v1/bots', { body: { name: 'b', channelId: h.ws.channelId, type: '   ' } }), 400);
});

test('a bot on an unknown or deleted channel is 404', async () => {
  assertError(await call(h, 'POST', '/api/v1/bots', { body: { name: 'b', channelId: UNKNOWN_ID } }), 404, { reason: 'channel_not_found' });
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'soon gone' });
  assert.equal((await call(h, 'DELETE', `/api/v1/channels/${channel.id}`)).status, 204);
  assertError(await call(h, 'PATCH', `/api/v1/bots/${h.ws.botId}`, { body: { channelId: channel.id } }), 404, { reason: 'channel_not_found' });
  assert.equal((await call(h, 'GET', `/api/v1/bots/${h.ws.botId}`)).json.channelId, h.ws.channelId);
});

test('PATCH /bots/{id} refuses an empty patch, an inboxId and wrong types', async () => {
  for (const body of [{}, { inboxId: h.ws.inboxId }, { name: 1 }, { channelId: null }, { type: '' }]) {
    assertError(await call(h, 'PATCH', `/api/v1/bots/${h.ws.botId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'bots', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /bots refuses malformed cursors, bad limits, unknown parameters and bad filters', async () => {
  await assertRefusesBadListQueries(h, 'bots');
  assertError(await call(h, 'GET', '/api/v1/bots', { query: { channelId: 'nope' } }), 400);
});
