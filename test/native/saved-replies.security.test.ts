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

test("another workspace's key gets 404 for GET, PATCH and DELETE of a saved reply", async () => {
  const reply = await create(h, 'saved-replies', { shortcut: 'mine', text: 'Mine' });
  await assertForeignIs404(h, 'saved-replies', reply.id, ['GET', 'PATCH', 'DELETE'], { text: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/saved-replies/${reply.id}`)).json.text, 'Mine');
});

test('shortcuts are unique per workspace: another workspace may use the same one, and lists never mix', async () => {
  const mine = await create(h, 'saved-replies', { shortcut: 'shared', text: 'A' });
  const theirs = await create(h, 'saved-replies', { shortcut: 'shared', text: 'B' }, h.other);
  assert.ok(!(await listAll(h, 'saved-replies')).some((r) => r.id === theirs.id));
  assert.ok(!(await listAll(h, 'saved-replies', { ws: h.other })).some((r) => r.id === mine.id));
});

test('saved reply routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/saved-replies', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/saved-replies', { key: 'x', body: { shortcut: 'x', text: 'x' } }), 401);
});
