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

test("another workspace's key gets 404 for GET, PATCH and DELETE of a role", async () => {
  const role = await create(h, 'roles', { name: 'Mine' });
  await assertForeignIs404(h, 'roles', role.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/roles/${role.id}`)).json.name, 'Mine');
});

test("another workspace's role cannot be given to a user", async () => {
  const theirs = await create(h, 'roles', { name: 'Theirs' }, h.other);
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'U', email: 'u@example.com', roleId: theirs.id } }), 404, { reason: 'role_not_found' });
});

test('lists never show the other workspace roles', async () => {
  const theirs = await create(h, 'roles', { name: 'Other only' }, h.other);
  assert.ok(!(await listAll(h, 'roles')).some((r) => r.id === theirs.id));
  assert.ok((await listAll(h, 'roles', { ws: h.other })).some((r) => r.id === theirs.id));
});

test('role routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/roles', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/roles', { key: 'x', body: { name: 'x' } }), 401);
});
