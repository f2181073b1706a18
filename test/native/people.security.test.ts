import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, assertForeignIs404, create, events, insertTag, listAll } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test("another workspace's key gets 404 for GET, PATCH and DELETE of a person, and no event is written", async () => {
  const person = await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Mine' });
  await assertForeignIs404(h, 'people', person.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/people/${person.id}`)).json.name, 'Mine');
  assert.equal((await events(h, 'contact.updated,contact.deleted')).length, 0);
  assert.equal((await events(h, 'contact.created,contact.updated,contact.deleted', h.other)).length, 0);
});

test("a person cannot be created in another workspace's inbox nor tagged with its tags", async () => {
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.other.inboxId } }), 404, { reason: 'inbox_not_found' });
  const theirTag = await insertTag(h, h.other.inboxId, 'theirs', h.other);
  assertError(await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, tagIds: [theirTag] } }), 404, { reason: 'tag_not_found' });
});

test('phone numbers are unique per inbox, so the other workspace may hold the same one', async () => {
  await create(h, 'people', { inboxId: h.ws.inboxId, phoneNumber: '5511944443333' });
  await create(h, 'people', { inboxId: h.other.inboxId, phoneNumber: '5511944443333' }, h.other);
});

test('lists never show the other workspace people, whatever the filter', async () => {
  const theirs = await inbound(h, { ws: h.other, phone: '5511966665555', name: 'Alheio' });
  const mine = await listAll(h, 'people');
  assert.ok(mine.length > 0);
  assert.ok(!mine.some((p) => p.id === theirs.personId));
  assert.deepEqual(await listAll(h, 'people', { query: { inboxId: h.other.inboxId } }), []);
  assert.deepEqual(await listAll(h, 'people', { query: { search: 'alheio' } }), []);
  assert.deepEqual(await listAll(h, 'people', { query: { phoneNumber: '5511966665555' } }), []);
});

test('people routes need a valid bearer key', async () => {
  assertError(await call(h, 'GET', '/api/v1/people', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/people', { key: 'nope', body: { inboxId: h.ws.inboxId } }), 401);
});
