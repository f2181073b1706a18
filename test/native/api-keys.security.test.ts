import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { sha256 } from '../../src/domain/api-keys.ts';
import { assertError, create, listAll, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('another workspace cannot revoke a key: 404 exactly as for an unknown id, and the key keeps working', async () => {
  const key = await create(h, 'api-keys', { name: 'mine' });
  const foreign = await call(h, 'DELETE', `/api/v1/api-keys/${key.id}`, { key: h.other.apiKey });
  const unknown = await call(h, 'DELETE', `/api/v1/api-keys/${UNKNOWN_ID}`, { key: h.other.apiKey });
  assertError(foreign, 404, { reason: 'api_key_not_found' });
  assert.equal(foreign.json.error.message.replace(key.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  assert.equal((await call(h, 'GET', '/api/v1/inboxes', { key: key.apiKey })).status, 200);
  assert.equal((await listAll(h, 'api-keys')).find((k) => k.id === key.id).revokedAt, null);
});

test('lists never show the other workspace keys', async () => {
  const theirs = await create(h, 'api-keys', { name: 'theirs' }, h.other);
  const mine = await listAll(h, 'api-keys');
  assert.ok(!mine.some((k) => k.id === theirs.id || k.name === 'theirs'));
  assert.ok((await listAll(h, 'api-keys', { ws: h.other })).some((k) => k.id === theirs.id));
});

test('neither keys nor their hashes are ever listed', async () => {
  const issued = await create(h, 'api-keys', { name: 'secret' });
  const res = await call(h, 'GET', '/api/v1/api-keys');
  for (const secret of [issued.apiKey, issued.clientSecret, sha256(issued.apiKey), sha256(issued.clientSecret)]) {
    assert.ok(!res.body.includes(secret));
  }
});

test('the key routes need a valid bearer key; a revoked key is 401 everywhere', async () => {
  assertError(await call(h, 'GET', '/api/v1/api-keys', { key: null }), 401, { reason: 'missing_api_key' });
  assertError(await call(h, 'POST', '/api/v1/api-keys', { key: 'cvs_live_wrong', body: { name: 'x' } }), 401, { reason: 'invalid_api_key' });
  const doomed = await create(h, 'api-keys', { name: 'doomed' });
  assert.equal((await call(h, 'DELETE', `/api/v1/api-keys/${doomed.id}`)).status, 200);
  for (const url of [
    '/api/v1/api-keys',
    '/api/v1/inboxes',
    '/api/v1/channels',
    '/api/v1/bots',
    '/api/v1/users',
    '/api/v1/roles',
    '/api/v1/people',
    '/api/v1/groups',
  ]) {
    assertError(await call(h, 'GET', url, { key: doomed.apiKey }), 401, { reason: 'invalid_api_key' });
  }
  assertError(await call(h, 'POST', '/api/v1/api-keys', { key: doomed.apiKey, body: { name: 'revival' } }), 401);
});
