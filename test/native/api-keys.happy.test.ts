import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertKeys, assertPaginates, assertTimes, create, listAll, ID, ISO } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const KEY_KEYS = ['id', 'name', 'prefix', 'clientId', 'createdAt', 'lastUsedAt', 'revokedAt'];

test('POST /api-keys issues a working key and shows the key and client secret once', async () => {
  const issued = await create(h, 'api-keys', { name: 'CRM integration' });
  assertKeys(issued, [...KEY_KEYS, 'apiKey', 'clientSecret']);
  assert.match(issued.id, ID);
  assert.equal(issued.name, 'CRM integration');
  assert.match(issued.apiKey, /^cvs_live_[0-9A-Za-z]{32}$/);
  assert.equal(issued.prefix, issued.apiKey.slice(0, 12));
  assert.match(issued.clientId, /^cvs_client_[0-9A-Za-z]+$/);
  assert.match(issued.clientSecret, /^[0-9A-Za-z]{40}$/);
  assertTimes(issued, 'createdAt');
  assert.equal(issued.lastUsedAt, null);
  assert.equal(issued.revokedAt, null);

  const withNewKey = await call(h, 'GET', '/api/v1/inboxes', { key: issued.apiKey });
  assert.equal(withNewKey.status, 200);
  assert.ok(
    withNewKey.json.data.some((i: { id: string }) => i.id === h.ws.inboxId),
    'the new key belongs to the same workspace',
  );

  const listed = (await listAll(h, 'api-keys')).find((k) => k.id === issued.id);
  assertKeys(listed, KEY_KEYS);
  assert.equal(listed.prefix, issued.prefix);
  assert.equal(listed.clientId, issued.clientId);
  assert.match(listed.lastUsedAt, ISO, 'using the key recorded lastUsedAt');
});

test('GET /api-keys lists keys without secrets', async () => {
  const res = await call(h, 'GET', '/api/v1/api-keys');
  assert.equal(res.status, 200);
  for (const k of res.json.data) assertKeys(k, KEY_KEYS);
  assert.ok(res.json.data.some((k: { name: string }) => k.name === 'default'));
  assert.ok(!res.body.includes(h.ws.apiKey), 'the key is never listed');
  assert.ok(!res.body.includes(h.ws.clientSecret), 'the client secret is never listed');
});

test('DELETE /api-keys/{id} revokes: 200 with the key, which gets 401 at once', async () => {
  const victim = await create(h, 'api-keys', { name: 'to revoke' });
  assert.equal((await call(h, 'GET', '/api/v1/people', { key: victim.apiKey })).status, 200);

  const revoked = await call(h, 'DELETE', `/api/v1/api-keys/${victim.id}`);
  assert.equal(revoked.status, 200, revoked.body);
  assertKeys(revoked.json, KEY_KEYS);
  assert.equal(revoked.json.id, victim.id);
  assert.match(revoked.json.revokedAt, ISO);

  for (const [method, url] of [
    ['GET', '/api/v1/people'],
    ['GET', '/api/v1/api-keys'],
    ['POST', '/api/v1/inboxes'],
  ] as const) {
    assertError(await call(h, method, url, { key: victim.apiKey, body: method === 'POST' ? { name: 'x' } : undefined }), 401, { reason: 'invalid_api_key' });
  }
  const listed = (await listAll(h, 'api-keys')).find((k) => k.id === victim.id);
  assert.equal(listed.revokedAt, revoked.json.revokedAt, 'revoked keys stay listed with revokedAt');

  const again = await call(h, 'DELETE', `/api/v1/api-keys/${victim.id}`);
  assert.equal(again.status, 200);
  assert.equal(again.json.revokedAt, revoked.json.revokedAt, 'revoking twice keeps the first time');
});

test('a key cannot revoke itself (409) and keeps working; rotation goes through a new key', async () => {
  const rotating = await create(h, 'api-keys', { name: 'rotating' });
  const self = await call(h, 'DELETE', `/api/v1/api-keys/${rotating.id}`, { key: rotating.apiKey });
  assertError(self, 409, { reason: 'cannot_revoke_own_key' });
  assert.equal((await call(h, 'GET', '/api/v1/inboxes', { key: rotating.apiKey })).status, 200);

  const next = await create(h, 'api-keys', { name: 'rotated' });
  assert.equal((await call(h, 'DELETE', `/api/v1/api-keys/${rotating.id}`, { key: next.apiKey })).status, 200);
  assertError(await call(h, 'GET', '/api/v1/inboxes', { key: rotating.apiKey }), 401);
  assert.equal((await call(h, 'GET', '/api/v1/inboxes', { key: next.apiKey })).status, 200);
});

test('Idempotency-Key on POST /api-keys issues one key; a replay is refused because the secret is never stored', async () => {
  const headers = { 'idempotency-key': 'issue-key-1' };
  const first = await call(h, 'POST', '/api/v1/api-keys', { body: { name: 'idem' }, headers });
  const replay = await call(h, 'POST', '/api/v1/api-keys', { body: { name: 'idem' }, headers });
  assert.equal(first.status, 201);
  assertError(replay, 409, { reason: 'idempotency_not_replayable' });
  const stored = await h.store.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'issue-key-1').executeTakeFirstOrThrow();
  assert.equal(stored.response_body, null, 'the issued key is not kept in clear text');
  assertError(await call(h, 'POST', '/api/v1/api-keys', { body: { name: 'idem 2' }, headers }), 409);
  assert.equal((await listAll(h, 'api-keys')).filter((k) => k.name === 'idem').length, 1);
});

test('GET /api-keys pages by id', async () => {
  for (let i = 0; i < 3; i++) await create(h, 'api-keys', { name: `page ${i}` });
  await assertPaginates(h, 'api-keys', 4);
});
