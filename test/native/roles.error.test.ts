import { test, before, after } from 'node:test';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create } from '../helpers/resources.ts';

let h: Harness;
let roleId: string;
before(async () => {
  h = await startHarness();
  roleId = (await create(h, 'roles', { name: 'Base' })).id;
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /roles refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'roles', { name: 'x' });
  await assertRefusesBadBodies(h, 'PATCH', `roles/${roleId}`, { name: 'x' });
});

test('POST and PATCH /roles refuse a missing, blank or non-string name', async () => {
  for (const body of [{}, { name: '' }, { name: '   ' }, { name: 1 }, { name: null }, { name: 'r'.repeat(256) }]) {
    assertError(await call(h, 'POST', '/api/v1/roles', { body }), 400, { code: 'validation_failed' });
    assertError(await call(h, 'PATCH', `/api/v1/roles/${roleId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'roles', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /roles refuses malformed cursors, bad limits and unknown parameters', async () => {
  await assertRefusesBadListQueries(h, 'roles');
});
