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

test("another workspace's key gets 404 for GET, PATCH and DELETE of an inbox, which stays untouched", async () => {
  const inbox = await create(h, 'inboxes', { name: 'Mine' });
  await assertForeignIs404(h, 'inboxes', inbox.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/inboxes/${inbox.id}`)).json.name, 'Mine');
});

test('lists never show the other workspace inboxes', async () => {
  await create(h, 'inboxes', { name: 'Other only' }, h.other);
  const mine = await listAll(h, 'inboxes');
  const theirs = await listAll(h, 'inboxes', { ws: h.other });
  assert.ok(!mine.some((i) => i.name === 'Other only' || i.id === h.other.inboxId));
  assert.ok(!theirs.some((i) => i.id === h.ws.inboxId));
  assert.ok(theirs.some((i) => i.name === 'Other only'));
});

test('a cursor cannot reach into the other workspace', async () => {
  const first = await call(h, 'GET', '/api/v1/inboxes', { key: h.other.apiKey, query: { limit: '1' } });
  const res = await call(h, 'GET', '/api/v1/inboxes', {
    query: { cursor: first.json.nextCursor ?? Buffer.from(JSON.stringify([h.other.inboxId])).toString('base64url') },
  });
  assert.equal(res.status, 200);
  assert.ok(res.json.data.every((i: { id: string }) => i.id !== h.other.inboxId));
});

test('the routes need a valid bearer key', async () => {
  for (const [method, url] of [
    ['GET', '/api/v1/inboxes'],
    ['POST', '/api/v1/inboxes'],
    ['GET', `/api/v1/inboxes/${h.ws.inboxId}`],
    ['DELETE', `/api/v1/inboxes/${h.ws.inboxId}`],
  ] as const) {
    assertError(await call(h, method, url, { key: null, body: method === 'POST' ? { name: 'x' } : undefined }), 401);
    assertError(await call(h, method, url, { key: 'cvs_live_00000000000000000000000000000000', body: method === 'POST' ? { name: 'x' } : undefined }), 401);
  }
});
