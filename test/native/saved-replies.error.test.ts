import { test, before, after } from 'node:test';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create } from '../helpers/resources.ts';

let h: Harness;
let replyId: string;
before(async () => {
  h = await startHarness();
  replyId = (await create(h, 'saved-replies', { shortcut: 'base', text: 'Base' })).id;
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /saved-replies refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'saved-replies', { shortcut: 'x', text: 'x' });
  await assertRefusesBadBodies(h, 'PATCH', `saved-replies/${replyId}`, { text: 'x' });
});

test('a shortcut with spaces or symbols, an empty text and missing fields are refused naming the field', async () => {
  for (const [body, field] of [
    [{ text: 'x' }, 'shortcut'],
    [{ shortcut: 'x' }, 'text'],
    [{ shortcut: 'two words', text: 'x' }, 'shortcut'],
    [{ shortcut: 'a.b', text: 'x' }, 'shortcut'],
    [{ shortcut: '/', text: 'x' }, 'shortcut'],
    [{ shortcut: 'ok', text: '   ' }, 'text'],
  ] as const) {
    const res = await call(h, 'POST', '/api/v1/saved-replies', { body });
    assertError(res, 400, { code: 'validation_failed' });
    if (!res.body.includes(field)) throw new Error(`${JSON.stringify(body)} → ${res.body} does not name ${field}`);
  }
});

test('a shortcut already used is 409 on create and on rename', async () => {
  await create(h, 'saved-replies', { shortcut: 'taken', text: 'x' });
  assertError(await call(h, 'POST', '/api/v1/saved-replies', { body: { shortcut: '/TAKEN', text: 'y' } }), 409, { code: 'conflict' });
  assertError(await call(h, 'PATCH', `/api/v1/saved-replies/${replyId}`, { body: { shortcut: 'taken' } }), 409, { code: 'conflict' });
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'saved-replies', ['GET', 'PATCH', 'DELETE'], { text: 'x' });
});

test('GET /saved-replies refuses malformed cursors, bad limits and unknown parameters', async () => {
  await assertRefusesBadListQueries(h, 'saved-replies');
});
