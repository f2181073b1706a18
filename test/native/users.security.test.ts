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

test("another workspace's key gets 404 for GET, PATCH and DELETE of a user", async () => {
  const user = await create(h, 'users', { name: 'Mine', email: 'mine@example.com' });
  await assertForeignIs404(h, 'users', user.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/users/${user.id}`)).json.name, 'Mine');
});

test("a user cannot be attached to another workspace's inbox", async () => {
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'U', email: 'u@example.com', inboxIds: [h.other.inboxId] } }), 404, {
    reason: 'inbox_not_found',
  });
});

test('e-mails are unique per workspace only; lists never show the other workspace users', async () => {
  const mine = await create(h, 'users', { name: 'Shared', email: 'shared@example.com' });
  const theirs = await create(h, 'users', { name: 'Shared', email: 'shared@example.com' }, h.other);
  assert.ok(!(await listAll(h, 'users')).some((u) => u.id === theirs.id));
  assert.ok(!(await listAll(h, 'users', { ws: h.other })).some((u) => u.id === mine.id));
  assert.deepEqual(
    (await listAll(h, 'users', { query: { email: 'shared@example.com' } })).map((u) => u.id),
    [mine.id],
  );
});

test('user routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/users', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/users', { key: 'bad', body: { name: 'x', email: 'x@example.com' } }), 401);
});
