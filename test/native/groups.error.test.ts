import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
let groupId: string;
before(async () => {
  h = await startHarness();
  groupId = (await create(h, 'groups', { channelId: h.ws.channelId, name: 'Base', externalId: 'base@g.us' })).id;
});
after(async () => {
  await h?.close();
});

test('POST, PATCH and PUT members refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'groups', { channelId: h.ws.channelId, name: 'x' });
  await assertRefusesBadBodies(h, 'PATCH', `groups/${groupId}`, { name: 'x' });
  await assertRefusesBadBodies(h, 'PUT', `groups/${groupId}/members`, { personIds: [] });
});

test('POST /groups refuses missing fields and wrong types', async () => {
  const c = h.ws.channelId;
  const bad: [Record<string, unknown>, string][] = [
    [{ name: 'x' }, 'channelId'],
    [{ channelId: c }, 'name'],
    [{ channelId: 'x', name: 'x' }, 'channelId'],
    [{ channelId: c, name: '' }, 'name'],
    [{ channelId: c, name: 'x', externalId: 1 }, 'externalId'],
    [{ channelId: c, name: 'x', imageUrl: 'x' }, 'imageUrl'],
    [{ channelId: c, name: 'x', inboxId: h.ws.inboxId }, 'inboxId'],
    [{ channelId: c, name: 'x', personIds: [] }, 'personIds'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/groups', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(Object.keys(res.json.error.details.fields).includes(field), `${JSON.stringify(body)} → ${res.body}`);
  }
  assertError(await call(h, 'POST', '/api/v1/groups', { body: { channelId: UNKNOWN_ID, name: 'x' } }), 404, { reason: 'channel_not_found' });
});

test('an externalId already used in the inbox is 409', async () => {
  assertError(await call(h, 'POST', '/api/v1/groups', { body: { channelId: h.ws.channelId, name: 'Dup', externalId: 'base@g.us' } }), 409, {
    reason: 'external_id_taken',
  });
  const other = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Other', externalId: 'other@g.us' });
  assertError(await call(h, 'PATCH', `/api/v1/groups/${other.id}`, { body: { externalId: 'base@g.us' } }), 409, { reason: 'external_id_taken' });
  assert.equal((await call(h, 'PATCH', `/api/v1/groups/${groupId}`, { body: { externalId: 'base@g.us' } })).status, 200, 'its own externalId is no duplicate');
});

test('PATCH /groups/{id} refuses an empty patch, a channel change and wrong types', async () => {
  for (const body of [{}, { channelId: h.ws.channelId }, { name: '' }, { name: null }, { imageUrl: 3 }]) {
    assertError(await call(h, 'PATCH', `/api/v1/groups/${groupId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('PUT members: unknown people are 404, people of another inbox 400, malformed lists 400', async () => {
  const url = `/api/v1/groups/${groupId}/members`;
  const member = (await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Member' })).id;
  assertError(await call(h, 'PUT', url, { body: { personIds: [member, UNKNOWN_ID] } }), 404, { reason: 'person_not_found' });
  const inbox = await create(h, 'inboxes', { name: 'Elsewhere' });
  const stranger = (await create(h, 'people', { inboxId: inbox.id, name: 'Stranger' })).id;
  assertError(await call(h, 'PUT', url, { body: { personIds: [member, stranger] } }), 400, { reason: 'person_inbox_mismatch' });
  const gone = (await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Gone' })).id;
  assert.equal((await call(h, 'DELETE', `/api/v1/people/${gone}`)).status, 204);
  assertError(await call(h, 'PUT', url, { body: { personIds: [gone] } }), 404, { reason: 'person_not_found' });
  for (const body of [{}, { personIds: 'x' }, { personIds: ['x'] }, { personIds: null }]) {
    assertError(await call(h, 'PUT', url, { body }), 400, { code: 'validation_failed' });
  }
  assertError(await call(h, 'PUT', `/api/v1/groups/${UNKNOWN_ID}/members`, { body: { personIds: [] } }), 404, { reason: 'group_not_found' });
  assertError(await call(h, 'PUT', '/api/v1/groups/nope/members', { body: { personIds: [] } }), 400);
  assert.deepEqual((await call(h, 'GET', `/api/v1/groups/${groupId}`)).json.memberIds, [], 'refused changes changed nothing');
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'groups', ['GET', 'PATCH'], { name: 'x' });
});

test('GET /groups refuses malformed cursors, bad limits, unknown parameters and bad filters', async () => {
  await assertRefusesBadListQueries(h, 'groups');
  assertError(await call(h, 'GET', '/api/v1/groups', { query: { channelId: 'x' } }), 400);
});
