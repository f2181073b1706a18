import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertForeignIs404, create, listAll, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test("another workspace's key gets 404 for GET, PATCH and PUT members of a group", async () => {
  const group = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Mine' });
  await assertForeignIs404(h, 'groups', group.id, ['GET', 'PATCH'], { name: 'Stolen' });
  const theirPerson = (await create(h, 'people', { inboxId: h.other.inboxId, name: 'Theirs' }, h.other)).id;
  const foreign = await call(h, 'PUT', `/api/v1/groups/${group.id}/members`, { key: h.other.apiKey, body: { personIds: [theirPerson] } });
  const unknown = await call(h, 'PUT', `/api/v1/groups/${UNKNOWN_ID}/members`, { key: h.other.apiKey, body: { personIds: [theirPerson] } });
  assertError(foreign, 404, { reason: 'group_not_found' });
  assert.equal(foreign.json.error.message.replace(group.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  const after = (await call(h, 'GET', `/api/v1/groups/${group.id}`)).json;
  assert.equal(after.name, 'Mine');
  assert.deepEqual(after.memberIds, []);
});

test("another workspace's people cannot be made members, nor its channels host a group", async () => {
  const group = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Closed' });
  const theirPerson = (await create(h, 'people', { inboxId: h.other.inboxId, name: 'Intruder' }, h.other)).id;
  assertError(await call(h, 'PUT', `/api/v1/groups/${group.id}/members`, { body: { personIds: [theirPerson] } }), 404, { reason: 'person_not_found' });
  assertError(await call(h, 'POST', '/api/v1/groups', { body: { channelId: h.other.channelId, name: 'x' } }), 404, { reason: 'channel_not_found' });
});

test('externalIds are unique per inbox, so the other workspace may hold the same one', async () => {
  await create(h, 'groups', { channelId: h.ws.channelId, name: 'A', externalId: 'same@g.us' });
  await create(h, 'groups', { channelId: h.other.channelId, name: 'B', externalId: 'same@g.us' }, h.other);
});

test('lists never show the other workspace groups, whatever the filter', async () => {
  const theirs = await create(h, 'groups', { channelId: h.other.channelId, name: 'Other only', externalId: 'other-only@g.us' }, h.other);
  assert.ok(!(await listAll(h, 'groups')).some((g) => g.id === theirs.id));
  assert.deepEqual(await listAll(h, 'groups', { query: { externalId: 'other-only@g.us' } }), []);
  assert.deepEqual(await listAll(h, 'groups', { query: { channelId: h.other.channelId } }), []);
});

test('group routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/groups', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/groups', { key: 'nope', body: { channelId: h.ws.channelId, name: 'x' } }), 401);
});
