import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create, listAll, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
let userId: string;
before(async () => {
  h = await startHarness();
  userId = (await create(h, 'users', { name: 'Base', email: 'base@example.com' })).id;
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /users refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'users', { name: 'x', email: 'x@example.com' });
  await assertRefusesBadBodies(h, 'PATCH', `users/${userId}`, { name: 'x' });
});

test('POST /users refuses missing name or e-mail, bad e-mails and wrong types', async () => {
  const ok = { name: 'Ok', email: 'ok@example.com' };
  const bad: [Record<string, unknown>, string][] = [
    [{ email: 'a@example.com' }, 'name'],
    [{ name: 'A' }, 'email'],
    [{ ...ok, email: 'not-an-email' }, 'email'],
    [{ ...ok, email: '' }, 'email'],
    [{ ...ok, email: 5 }, 'email'],
    [{ ...ok, name: '' }, 'name'],
    [{ ...ok, roleId: 'role' }, 'roleId'],
    [{ ...ok, inboxIds: 'all' }, 'inboxIds'],
    [{ ...ok, inboxIds: ['nope'] }, 'inboxIds'],
    [{ ...ok, notificationSound: 'true' }, 'notificationSound'],
    [{ ...ok, onlyAssignedConversations: 1 }, 'onlyAssignedConversations'],
    [{ ...ok, imageUrl: 'not a url' }, 'imageUrl'],
    [{ ...ok, contact: 12 }, 'contact'],
    [{ ...ok, password: 'short' }, 'password'],
    [{ ...ok, access: 'owner' }, 'access'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/users', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(
      Object.keys(res.json.error.details.fields).some((f) => f.startsWith(field)),
      `${JSON.stringify(body)} → ${res.body}`,
    );
  }
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: '  ', email: 'blank@example.com' } }), 400);
  assert.equal((await listAll(h, 'users')).length, 2, 'nothing was created (init made the admin)');
});

test('an e-mail already used in the workspace is 409, whatever its case', async () => {
  for (const email of ['base@example.com', 'BASE@Example.COM', 'Base@EXAMPLE.com']) {
    assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'Dup', email } }), 409, { code: 'conflict', reason: 'email_taken' });
  }
  const other = await create(h, 'users', { name: 'Other', email: 'other@example.com' });
  assertError(await call(h, 'PATCH', `/api/v1/users/${other.id}`, { body: { email: 'Base@example.com' } }), 409, { reason: 'email_taken' });
  assert.equal((await call(h, 'GET', `/api/v1/users/${other.id}`)).json.email, 'other@example.com');
});

test('unknown role or inbox ids are 404', async () => {
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'A', email: 'a1@example.com', roleId: UNKNOWN_ID } }), 404, { reason: 'role_not_found' });
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'A', email: 'a2@example.com', inboxIds: [h.ws.inboxId, UNKNOWN_ID] } }), 404, {
    reason: 'inbox_not_found',
  });
  assertError(await call(h, 'PATCH', `/api/v1/users/${userId}`, { body: { roleId: UNKNOWN_ID } }), 404, { reason: 'role_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/users/${userId}`, { body: { inboxIds: [UNKNOWN_ID] } }), 404, { reason: 'inbox_not_found' });
  assert.equal((await call(h, 'GET', `/api/v1/users/${userId}`)).json.inboxIds, null);
});

test('a 404 reference is reported before a duplicate e-mail', async () => {
  assertError(await call(h, 'POST', '/api/v1/users', { body: { name: 'A', email: 'base@example.com', roleId: UNKNOWN_ID } }), 404);
});

test('PATCH /users/{id} refuses an empty patch and wrong types', async () => {
  for (const body of [{}, { email: 'nope' }, { name: null }, { notificationSound: null }, { inboxIds: [1] }]) {
    assertError(await call(h, 'PATCH', `/api/v1/users/${userId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'users', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /users refuses malformed cursors, bad limits, unknown parameters and bad filters', async () => {
  await assertRefusesBadListQueries(h, 'users');
  assertError(await call(h, 'GET', '/api/v1/users', { query: { roleId: 'x' } }), 400);
  assertError(await call(h, 'GET', '/api/v1/users', { query: { inboxId: 'x' } }), 400);
});
