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

const USER_KEYS = [
  'id',
  'name',
  'email',
  'imageUrl',
  'roleId',
  'contact',
  'notificationSound',
  'onlyAssignedConversations',
  'inboxIds',
  'lastInboxUsedId',
  'access',
  'hasPassword',
  'createdAt',
  'updatedAt',
];

test('POST /users with name and e-mail: every inbox, no role, defaults for the rest', async () => {
  const user = await create(h, 'users', { name: 'Carla Souza', email: 'Carla@Example.com' });
  assertKeys(user, USER_KEYS);
  assert.match(user.id, ID);
  assert.equal(user.name, 'Carla Souza');
  assert.equal(user.email, 'Carla@Example.com');
  assert.equal(user.imageUrl, null);
  assert.equal(user.roleId, null);
  assert.equal(user.contact, null);
  assert.equal(user.notificationSound, true);
  assert.equal(user.onlyAssignedConversations, false);
  assert.equal(user.inboxIds, null, 'null: every inbox');
  assert.equal(user.lastInboxUsedId, null);
  assert.equal(user.access, 'agent', 'agent unless said otherwise');
  assert.equal(user.hasPassword, false);
  assertTimes(user, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/users/${user.id}`)).json, user);
  assert.deepEqual(
    (await listAll(h, 'users')).find((u) => u.id === user.id),
    user,
  );
});

test('POST /users with every field', async () => {
  const role = await create(h, 'roles', { name: 'Comercial' });
  const second = await create(h, 'inboxes', { name: 'Second' });
  const user = await create(h, 'users', {
    name: 'Davi',
    email: 'davi@example.com',
    roleId: role.id,
    inboxIds: [second.id, h.ws.inboxId, second.id],
    imageUrl: 'https://cdn.example.com/davi.png',
    contact: '+55 11 90000-0000',
    notificationSound: false,
    onlyAssignedConversations: true,
  });
  assertKeys(user, USER_KEYS);
  assert.equal(user.roleId, role.id);
  assert.deepEqual(user.inboxIds, [h.ws.inboxId, second.id].sort());
  assert.equal(user.imageUrl, 'https://cdn.example.com/davi.png');
  assert.equal(user.contact, '+55 11 90000-0000');
  assert.equal(user.notificationSound, false);
  assert.equal(user.onlyAssignedConversations, true);
  assert.deepEqual((await call(h, 'GET', `/api/v1/users/${user.id}`)).json, user);
});

test('PATCH /users/{id} changes fields; inboxIds replaces the set, null means every inbox; roleId null clears', async () => {
  const role = await create(h, 'roles', { name: 'R' });
  const user = await create(h, 'users', { name: 'Eva', email: 'eva@example.com', roleId: role.id });
  const one = await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { inboxIds: [h.ws.inboxId], email: 'EVA.nova@example.com', name: 'Eva Nova' } });
  assert.equal(one.status, 200, one.body);
  assertKeys(one.json, USER_KEYS);
  assert.deepEqual(one.json.inboxIds, [h.ws.inboxId]);
  assert.equal(one.json.email, 'EVA.nova@example.com');
  assert.equal(one.json.name, 'Eva Nova');
  assert.equal(one.json.roleId, role.id);
  const none = await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { inboxIds: [], roleId: null, imageUrl: 'https://x.example/e.png' } });
  assert.deepEqual(none.json.inboxIds, []);
  assert.equal(none.json.roleId, null);
  assert.equal(none.json.imageUrl, 'https://x.example/e.png');
  const all = await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { inboxIds: null, imageUrl: null, onlyAssignedConversations: true } });
  assert.equal(all.json.inboxIds, null);
  assert.equal(all.json.imageUrl, null);
  assert.equal(all.json.onlyAssignedConversations, true);
  assert.deepEqual((await call(h, 'GET', `/api/v1/users/${user.id}`)).json, all.json);
  const noop = await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { name: 'Eva Nova', inboxIds: null } });
  assert.equal(noop.json.updatedAt, all.json.updatedAt);
  const sameEmailOtherCase = await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { email: 'eva.nova@example.com' } });
  assert.equal(sameEmailOtherCase.status, 200, 'its own e-mail in another case is not a duplicate');
});

test('GET /users filters by role, inbox, e-mail (case-insensitive) and search', async () => {
  const role = await create(h, 'roles', { name: 'Filter role' });
  const inbox = await create(h, 'inboxes', { name: 'Filter inbox' });
  const a = await create(h, 'users', { name: 'Filtro Alfa', email: 'alfa@filter.example', roleId: role.id, inboxIds: [inbox.id] });
  const b = await create(h, 'users', { name: 'Filtro Beta', email: 'beta@filter.example', inboxIds: [h.ws.inboxId] });
  const c = await create(h, 'users', { name: 'Filtro Gama', email: 'gama@filter.example' });
  assert.deepEqual(
    (await listAll(h, 'users', { query: { roleId: role.id } })).map((u) => u.id),
    [a.id],
  );
  const inInbox = (await listAll(h, 'users', { query: { inboxId: inbox.id } })).map((u) => u.id);
  assert.ok(inInbox.includes(a.id) && inInbox.includes(c.id) && !inInbox.includes(b.id), 'attached users and every-inbox users');
  assert.deepEqual(
    (await listAll(h, 'users', { query: { email: 'BETA@filter.example' } })).map((u) => u.id),
    [b.id],
  );
  assert.deepEqual(
    (await listAll(h, 'users', { query: { search: 'filtro g' } })).map((u) => u.id),
    [c.id],
  );
  assert.deepEqual((await listAll(h, 'users', { query: { search: 'FILTER.EX' } })).map((u) => u.id).sort(), [a.id, b.id, c.id].sort());
  assert.deepEqual(await listAll(h, 'users', { query: { search: '%' } }), []);
});

test('a user can be assigned a conversation', async () => {
  const user = await create(h, 'users', { name: 'Agente', email: 'agente@example.com' });
  const { conversationId } = await inbound(h);
  const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: user.id } });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.conversation.assigneeUserId, user.id);
});

test('deleting an inbox takes it off the users attached to it', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Closing' });
  const user = await create(h, 'users', { name: 'Fabio', email: 'fabio@example.com', inboxIds: [inbox.id, h.ws.inboxId] });
  assert.equal((await call(h, 'DELETE', `/api/v1/inboxes/${inbox.id}`)).status, 204);
  assert.deepEqual((await call(h, 'GET', `/api/v1/users/${user.id}`)).json.inboxIds, [h.ws.inboxId]);
});

test('DELETE /users/{id} answers 204; the user is then 404 and the e-mail free again', async () => {
  const user = await create(h, 'users', { name: 'Gil', email: 'gil@example.com' });
  const deleted = await call(h, 'DELETE', `/api/v1/users/${user.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/users/${user.id}`), 404, { reason: 'user_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/users/${user.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/users/${user.id}`), 404);
  assert.ok(!(await listAll(h, 'users')).some((u) => u.id === user.id));
  const again = await create(h, 'users', { name: 'Gil 2', email: 'GIL@example.com' });
  assert.notEqual(again.id, user.id);
});

test('Idempotency-Key on POST /users replays the first answer instead of a 409 for the e-mail', async () => {
  const body = { name: 'Idem', email: 'idem@example.com' };
  const headers = { 'idempotency-key': 'user-1' };
  const first = await call(h, 'POST', '/api/v1/users', { body, headers });
  const replay = await call(h, 'POST', '/api/v1/users', { body, headers });
  assert.equal(first.status, 201);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/users', { body: { ...body, name: 'Idem 2' }, headers }), 409, { reason: 'idempotency_key_reused' });
});

test('GET /users pages by id', async () => {
  await assertPaginates(h, 'users', 8);
});
