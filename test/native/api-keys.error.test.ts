import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertRefusesBadBodies, assertRefusesBadListQueries, listAll, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('POST /api-keys refuses malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'api-keys', { name: 'x' });
});

test('POST /api-keys refuses a missing, blank, too long or non-string name', async () => {
  for (const body of [{}, { name: '' }, { name: '  ' }, { name: 7 }, { name: null }, { name: 'k'.repeat(256) }]) {
    assertError(await call(h, 'POST', '/api/v1/api-keys', { body }), 400, { code: 'validation_failed' });
  }
  assert.equal((await listAll(h, 'api-keys')).length, 1, 'nothing was issued');
});

test('DELETE /api-keys/{id} refuses malformed ids (400) and unknown ids (404)', async () => {
  assertError(await call(h, 'DELETE', '/api/v1/api-keys/nope'), 400, { code: 'validation_failed' });
  assertError(await call(h, 'DELETE', `/api/v1/api-keys/${UNKNOWN_ID}`), 404, { code: 'not_found', reason: 'api_key_not_found' });
});

test('GET /api-keys refuses malformed cursors, bad limits and unknown parameters', async () => {
  await assertRefusesBadListQueries(h, 'api-keys');
});

test('there is no GET or PATCH of a single key', async () => {
  const keys = await listAll(h, 'api-keys');
  assertError(await call(h, 'GET', `/api/v1/api-keys/${keys[0].id}`), 404, { reason: 'route_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/api-keys/${keys[0].id}`, { body: { name: 'x' } }), 404, { reason: 'route_not_found' });
});
