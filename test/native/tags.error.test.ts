import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
let tagId: string;
before(async () => {
  h = await startHarness();
  tagId = (await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Base', color: '#000000' })).id;
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /tags refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'tags', { inboxId: h.ws.inboxId, name: 'x', color: '#000000' });
  await assertRefusesBadBodies(h, 'PATCH', `tags/${tagId}`, { name: 'x' });
});

test('missing fields, a blank name, a colour that is not #rrggbb and unknown modules are refused naming the field', async () => {
  for (const [body, field] of [
    [{ name: 'x', color: '#000000' }, 'inboxId'],
    [{ inboxId: h.ws.inboxId, color: '#000000' }, 'name'],
    [{ inboxId: h.ws.inboxId, name: 'x' }, 'color'],
    [{ inboxId: h.ws.inboxId, name: '   ', color: '#000000' }, 'name'],
    [{ inboxId: h.ws.inboxId, name: 'x', color: 'red' }, 'color'],
    [{ inboxId: h.ws.inboxId, name: 'x', color: '#12345' }, 'color'],
    [{ inboxId: h.ws.inboxId, name: 'x', color: '#000000', modules: ['nowhere'] }, 'modules'],
    [{ inboxId: h.ws.inboxId, name: 'x', color: '#000000', modules: [] }, 'modules'],
  ] as const) {
    const res = await call(h, 'POST', '/api/v1/tags', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(res.body.includes(field), `${JSON.stringify(body)} → ${res.body} does not name ${field}`);
  }
  assertError(await call(h, 'PATCH', `/api/v1/tags/${tagId}`, { body: {} }), 400, { code: 'validation_failed' });
  assertError(await call(h, 'PATCH', `/api/v1/tags/${tagId}`, { body: { color: 'blue' } }), 400, { code: 'validation_failed' });
});

test('a name already used in the inbox is 409 on create and on rename; another inbox may use it', async () => {
  await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Taken', color: '#000000' });
  assertError(await call(h, 'POST', '/api/v1/tags', { body: { inboxId: h.ws.inboxId, name: 'Taken', color: '#111111' } }), 409, { code: 'conflict' });
  assertError(await call(h, 'PATCH', `/api/v1/tags/${tagId}`, { body: { name: 'Taken' } }), 409, { code: 'conflict' });
  const other = (await create(h, 'inboxes', { name: 'Outra' })).id;
  await create(h, 'tags', { inboxId: other, name: 'Taken', color: '#000000' });
});

test('an unknown inbox is 404 on create and as a list filter', async () => {
  assertError(await call(h, 'POST', '/api/v1/tags', { body: { inboxId: UNKNOWN_ID, name: 'x', color: '#000000' } }), 404, { reason: 'inbox_not_found' });
  assertError(await call(h, 'GET', '/api/v1/tags', { query: { inboxId: UNKNOWN_ID } }), 404, { reason: 'inbox_not_found' });
  assertError(await call(h, 'GET', '/api/v1/tags', { query: { inboxId: 'nope' } }), 400, { code: 'validation_failed' });
});

test('item routes refuse malformed ids (400) and unknown ids (404); the list refuses bad cursors, limits and parameters', async () => {
  await assertIdParams(h, 'tags', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
  await assertRefusesBadListQueries(h, 'tags');
});
