import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /inboxes refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'inboxes', { name: 'x' });
  await assertRefusesBadBodies(h, 'PATCH', `inboxes/${h.ws.inboxId}`, { name: 'x' });
});

test('POST /inboxes refuses a missing or blank name and wrong types', async () => {
  const bad: [unknown, string][] = [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: null }, 'name'],
    [{ name: 'x'.repeat(256) }, 'name'],
    [{ name: 'x', inactivityTimeoutMinutes: '60' }, 'inactivityTimeoutMinutes'],
    [{ name: 'x', inactivityTimeoutMinutes: 0 }, 'inactivityTimeoutMinutes'],
    [{ name: 'x', inactivityTimeoutMinutes: 525601 }, 'inactivityTimeoutMinutes'],
    [{ name: 'x', inactivityTimeoutMinutes: 1.5 }, 'inactivityTimeoutMinutes'],
    [{ name: 'x', inactivityTimeoutMinutes: null }, 'inactivityTimeoutMinutes'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/inboxes', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(Object.keys(res.json.error.details.fields).includes(field), `${JSON.stringify(body)} → ${res.body}`);
  }
  const blank = await call(h, 'POST', '/api/v1/inboxes', { body: { name: '   ' } });
  assertError(blank, 400, { code: 'validation_failed' });
  assert.deepEqual(Object.keys(blank.json.error.details.fields), ['name']);
});

test('PATCH /inboxes/{id} refuses an empty patch and wrong types', async () => {
  for (const body of [{}, { name: '' }, { name: ' ' }, { inactivityTimeoutMinutes: -5 }, { inactivityTimeoutMinutes: true }, { name: ['a'] }]) {
    assertError(await call(h, 'PATCH', `/api/v1/inboxes/${h.ws.inboxId}`, { body }), 400, { code: 'validation_failed' });
  }
  assert.equal((await call(h, 'GET', `/api/v1/inboxes/${h.ws.inboxId}`)).json.name, 'Inbox');
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'inboxes', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /inboxes refuses malformed cursors, bad limits and unknown parameters', async () => {
  await assertRefusesBadListQueries(h, 'inboxes');
});

test('DELETE /inboxes/{id} is 409 while the inbox has live channels, and says so', async () => {
  const res = await call(h, 'DELETE', `/api/v1/inboxes/${h.ws.inboxId}`);
  assertError(res, 409, { code: 'conflict', reason: 'inbox_has_channels' });
  assert.match(res.json.error.message, /channel/);
  assert.equal((await call(h, 'GET', `/api/v1/inboxes/${h.ws.inboxId}`)).status, 200);
});

test('a create that fails validation leaves nothing behind and does not consume the Idempotency-Key', async () => {
  const headers = { 'idempotency-key': 'retry-after-fix' };
  assertError(await call(h, 'POST', '/api/v1/inboxes', { body: { name: '' }, headers }), 400);
  const ok = await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'fixed' }, headers });
  assert.equal(ok.status, 201, ok.body);
  assert.ok(await create(h, 'inboxes', { name: 'fixed' }));
});
