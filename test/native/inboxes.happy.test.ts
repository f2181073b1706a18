import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertKeys, assertTimes, assertPaginates, create, listAll, assertError, ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const INBOX_KEYS = ['id', 'name', 'inactivityTimeoutMinutes', 'createdAt', 'updatedAt'];

test('POST /inboxes creates an inbox with the default timeout; GET and the list show it', async () => {
  const inbox = await create(h, 'inboxes', { name: '  Vendas  ' });
  assertKeys(inbox, INBOX_KEYS);
  assert.match(inbox.id, ID);
  assert.equal(inbox.name, 'Vendas');
  assert.equal(inbox.inactivityTimeoutMinutes, 1440);
  assertTimes(inbox, 'createdAt', 'updatedAt');
  assert.equal(inbox.createdAt, inbox.updatedAt);

  const got = await call(h, 'GET', `/api/v1/inboxes/${inbox.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, inbox);
  const all = await listAll(h, 'inboxes');
  assert.deepEqual(
    all.find((i) => i.id === inbox.id),
    inbox,
  );
  assert.ok(
    all.some((i) => i.id === h.ws.inboxId),
    'the init inbox is listed too',
  );
});

test('POST /inboxes takes an explicit timeout, at both ends of the range', async () => {
  assert.equal((await create(h, 'inboxes', { name: 'Short', inactivityTimeoutMinutes: 1 })).inactivityTimeoutMinutes, 1);
  assert.equal((await create(h, 'inboxes', { name: 'Long', inactivityTimeoutMinutes: 525600 })).inactivityTimeoutMinutes, 525600);
});

test('PATCH /inboxes/{id} changes name and timeout; a no-op PATCH changes nothing', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Before' });
  await new Promise((r) => setTimeout(r, 5));
  const patched = await call(h, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { body: { name: 'After', inactivityTimeoutMinutes: 60 } });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, INBOX_KEYS);
  assert.equal(patched.json.name, 'After');
  assert.equal(patched.json.inactivityTimeoutMinutes, 60);
  assert.equal(patched.json.createdAt, inbox.createdAt);
  assert.ok(patched.json.updatedAt > inbox.updatedAt);
  const same = await call(h, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { body: { name: 'After' } });
  assert.deepEqual(same.json, patched.json);
  assert.deepEqual((await call(h, 'GET', `/api/v1/inboxes/${inbox.id}`)).json, patched.json);
});

test('DELETE /inboxes/{id} answers 204; the inbox is then 404 everywhere and left out of the list', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Temporary' });
  const deleted = await call(h, 'DELETE', `/api/v1/inboxes/${inbox.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/inboxes/${inbox.id}`), 404, { reason: 'inbox_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/inboxes/${inbox.id}`), 404);
  assert.ok(!(await listAll(h, 'inboxes')).some((i) => i.id === inbox.id));
  assertError(await call(h, 'POST', '/api/v1/channels', { body: { inboxId: inbox.id, kind: 'sandbox', name: 'x' } }), 404, { reason: 'inbox_not_found' });
});

test('an inbox whose channels are all deleted can be deleted', async () => {
  const inbox = await create(h, 'inboxes', { name: 'With channel' });
  const channel = await create(h, 'channels', { inboxId: inbox.id, kind: 'sandbox', name: 'Sandbox' });
  assert.equal((await call(h, 'DELETE', `/api/v1/inboxes/${inbox.id}`)).status, 409);
  assert.equal((await call(h, 'DELETE', `/api/v1/channels/${channel.id}`)).status, 204);
  assert.equal((await call(h, 'DELETE', `/api/v1/inboxes/${inbox.id}`)).status, 204);
});

test('GET /inboxes pages by id with an opaque cursor', async () => {
  for (let i = 0; i < 5; i++) await create(h, 'inboxes', { name: `Page ${i}` });
  await assertPaginates(h, 'inboxes', 6);
  const first = await call(h, 'GET', '/api/v1/inboxes', { query: { limit: '1' } });
  assert.equal(first.json.data.length, 1);
  assert.equal(typeof first.json.nextCursor, 'string');
  const second = await call(h, 'GET', '/api/v1/inboxes', { query: { limit: '1', cursor: first.json.nextCursor } });
  assert.ok(second.json.data[0].id > first.json.data[0].id);
});

test('Idempotency-Key on POST /inboxes replays the first answer; another body with the same key is 409', async () => {
  const headers = { 'idempotency-key': 'inbox-create-1' };
  const first = await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Once' }, headers });
  assert.equal(first.status, 201);
  const replay = await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Once' }, headers });
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assertError(await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Twice' }, headers }), 409, { reason: 'idempotency_key_reused' });
  assert.equal((await listAll(h, 'inboxes')).filter((i) => i.name === 'Once').length, 1);
  const otherKey = await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Once' }, headers: { 'idempotency-key': 'inbox-create-2' } });
  assert.notEqual(otherKey.json.id, first.json.id);
});
