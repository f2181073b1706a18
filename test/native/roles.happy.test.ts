import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertKeys, assertPaginates, assertTimes, create, listAll, ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const ROLE_KEYS = ['id', 'name', 'createdAt', 'updatedAt'];

test('POST /roles creates a role; GET and the list show it', async () => {
  const role = await create(h, 'roles', { name: 'Financeiro' });
  assertKeys(role, ROLE_KEYS);
  assert.match(role.id, ID);
  assert.equal(role.name, 'Financeiro');
  assertTimes(role, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/roles/${role.id}`)).json, role);
  assert.deepEqual(
    (await listAll(h, 'roles')).find((r) => r.id === role.id),
    role,
  );
});

test('PATCH /roles/{id} renames', async () => {
  const role = await create(h, 'roles', { name: 'Suporte' });
  const patched = await call(h, 'PATCH', `/api/v1/roles/${role.id}`, { body: { name: 'Suporte N2' } });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, ROLE_KEYS);
  assert.equal(patched.json.name, 'Suporte N2');
  assert.equal(patched.json.createdAt, role.createdAt);
  assert.deepEqual((await call(h, 'GET', `/api/v1/roles/${role.id}`)).json, patched.json);
});

test('a role routes conversations (handoff with roleId)', async () => {
  const role = await create(h, 'roles', { name: 'Fila' });
  const { conversationId } = await (await import('../helpers/harness.ts')).inbound(h);
  const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/handoff`, { body: { roleId: role.id } });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.conversation.roleId, role.id);
});

test('DELETE /roles/{id} answers 204, takes the role off its users and hides it', async () => {
  const role = await create(h, 'roles', { name: 'Temporária' });
  const user = await create(h, 'users', { name: 'Ana', email: 'ana@example.com', roleId: role.id });
  assert.equal(user.roleId, role.id);
  const deleted = await call(h, 'DELETE', `/api/v1/roles/${role.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/roles/${role.id}`), 404, { reason: 'role_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/roles/${role.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/roles/${role.id}`), 404);
  assert.ok(!(await listAll(h, 'roles')).some((r) => r.id === role.id));
  assert.equal((await call(h, 'GET', `/api/v1/users/${user.id}`)).json.roleId, null);
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'Bia', email: 'bia@example.com', roleId: role.id } }), 404, { reason: 'role_not_found' });
});

test('Idempotency-Key on POST /roles replays the first answer', async () => {
  const headers = { 'idempotency-key': 'role-1' };
  const first = await call(h, 'POST', '/api/v1/roles', { body: { name: 'Idem' }, headers });
  const replay = await call(h, 'POST', '/api/v1/roles', { body: { name: 'Idem' }, headers });
  assert.equal(first.status, 201);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/roles', { body: { name: 'Other' }, headers }), 409);
  assert.equal((await listAll(h, 'roles')).filter((r) => r.name === 'Idem').length, 1);
});

test('GET /roles pages by id', async () => {
  for (let i = 0; i < 3; i++) await create(h, 'roles', { name: `Role ${i}` });
  await assertPaginates(h, 'roles', 5);
});
