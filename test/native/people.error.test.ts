import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import {
  assertError,
  assertIdParams,
  assertRefusesBadBodies,
  assertRefusesBadListQueries,
  create,
  events,
  insertTag,
  listAll,
  UNKNOWN_ID,
} from '../helpers/resources.ts';

let h: Harness;
let personId: string;
before(async () => {
  h = await startHarness();
  personId = (await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Base', phoneNumber: '5511912345678' })).id;
});
after(async () => {
  await h?.close();
});

test('POST and PATCH /people refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'people', { inboxId: h.ws.inboxId });
  await assertRefusesBadBodies(h, 'PATCH', `people/${personId}`, { name: 'x' });
});

test('POST /people refuses a missing inbox and wrong types', async () => {
  const i = h.ws.inboxId;
  const bad: [Record<string, unknown>, string][] = [
    [{ name: 'x' }, 'inboxId'],
    [{ inboxId: 'x' }, 'inboxId'],
    [{ inboxId: i, name: 1 }, 'name'],
    [{ inboxId: i, phoneNumber: 5511912345678 }, 'phoneNumber'],
    [{ inboxId: i, isBlocked: 'yes' }, 'isBlocked'],
    [{ inboxId: i, tagIds: 'x' }, 'tagIds'],
    [{ inboxId: i, tagIds: ['x'] }, 'tagIds'],
    [{ inboxId: i, imageUrl: 'nope' }, 'imageUrl'],
    [{ inboxId: i, description: 'd'.repeat(4097) }, 'description'],
    [{ inboxId: i, referenceId: {} }, 'referenceId'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/people', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(
      Object.keys(res.json.error.details.fields).some((f) => f.startsWith(field)),
      `${JSON.stringify(body)} → ${res.body}`,
    );
  }
});

test('phone numbers must have 8 to 15 digits and e-mails must look like e-mails', async () => {
  for (const phoneNumber of ['123', 'abc', '+55', '1234567890123456']) {
    const res = await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, phoneNumber } });
    assertError(res, 400, { reason: 'invalid_phone' });
    assert.deepEqual(Object.keys(res.json.error.details.fields), ['phoneNumber']);
  }
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, email: 'no-at-sign' } }), 400, { code: 'validation_failed' });
  assertError(await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { phoneNumber: '12' } }), 400, { reason: 'invalid_phone' });
});

test('a phone number already in the inbox is 409, however it is written', async () => {
  for (const phoneNumber of ['5511912345678', '+55 11 91234-5678', '(55) 11 912345678']) {
    assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, phoneNumber } }), 409, { code: 'conflict', reason: 'phone_taken' });
  }
  const other = await create(h, 'people', { inboxId: h.ws.inboxId, phoneNumber: '5511900000000' });
  assertError(await call(h, 'PATCH', `/api/v1/people/${other.id}`, { body: { phoneNumber: '+5511912345678' } }), 409, { reason: 'phone_taken' });
  assert.equal((await call(h, 'GET', `/api/v1/people/${other.id}`)).json.phoneNumber, '5511900000000');
  assert.equal(
    (await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { phoneNumber: '+55 11 91234-5678' } })).status,
    200,
    'its own number is no duplicate',
  );
});

test('unknown inbox or tags are 404; a tag of another inbox is 400', async () => {
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: UNKNOWN_ID } }), 404, { reason: 'inbox_not_found' });
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, tagIds: [UNKNOWN_ID] } }), 404, { reason: 'tag_not_found' });
  const inbox = await create(h, 'inboxes', { name: 'Elsewhere' });
  const foreignTag = await insertTag(h, inbox.id, 'elsewhere');
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, tagIds: [foreignTag] } }), 400, { reason: 'tag_inbox_mismatch' });
  assertError(await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { tagIds: [foreignTag] } }), 400, { reason: 'tag_inbox_mismatch' });
  assertError(await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { tagIds: [UNKNOWN_ID] } }), 404, { reason: 'tag_not_found' });
  // Referenced ids first: an unknown tag is 404 even with a duplicate phone number.
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, phoneNumber: '5511912345678', tagIds: [UNKNOWN_ID] } }), 404);
});

test('refused creates write no person and no event', async () => {
  const before = (await events(h, 'contact.created')).length;
  const people = (await listAll(h, 'people')).length;
  await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, phoneNumber: '5511912345678' } });
  await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, tagIds: [UNKNOWN_ID] } });
  assert.equal((await events(h, 'contact.created')).length, before);
  assert.equal((await listAll(h, 'people')).length, people);
});

test('PATCH /people/{id} refuses an empty patch, an inboxId and wrong types', async () => {
  for (const body of [{}, { inboxId: h.ws.inboxId }, { isBlocked: null }, { tagIds: null }, { name: 5 }]) {
    assertError(await call(h, 'PATCH', `/api/v1/people/${personId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'people', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /people refuses malformed cursors, bad limits, unknown parameters and bad filters', async () => {
  await assertRefusesBadListQueries(h, 'people');
  assertError(await call(h, 'GET', '/api/v1/people', { query: { inboxId: 'x' } }), 400);
  assertError(await call(h, 'GET', '/api/v1/people', { query: { isBlocked: 'maybe' } }), 400);
  assertError(await call(h, 'GET', '/api/v1/people', { query: { tagId: 'x' } }), 400);
});
