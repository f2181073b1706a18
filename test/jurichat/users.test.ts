import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { makeUser, makeRole } from '../helpers/fixtures.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
  // These tests count users: init's admins would be counted too.
  await h.store.db.updateTable('users').set({ deleted_at: Date.now() }).execute();
});
after(async () => {
  await h?.close();
});

test('GET /user/: the documented shape, search, role filter, paging', async () => {
  const role = await makeRole(h, undefined, 'Cível');
  const ana = await makeUser(h, undefined, 'Ana Souza');
  await makeUser(h, undefined, 'Bruno Lima');
  await h.store.db.updateTable('users').set({ role_id: role }).where('id', '=', ana).execute();
  const res = await juri(h, 'GET', '/user/', { query: { inboxId: h.ws.inboxId, page: '1', limit: '10' } });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.json.totalResults, 2);
  assert.equal(res.json.totalPages, 1);
  const u = res.json.data[0];
  assert.deepEqual(
    Object.keys(u).sort(),
    [
      'contact',
      'createdAt',
      'email',
      'id',
      'imageUrl',
      'inboxes',
      'lastInboxUsed',
      'name',
      'notificationSound',
      'office',
      'officeId',
      'onlyAssignedConversations',
      'role',
      'roleId',
    ].sort(),
  );
  assert.equal(u.id, ana);
  assert.deepEqual(u.role, { id: role, name: 'Cível' });
  assert.deepEqual(u.office, { id: h.ws.workspaceId, name: 'Test' });
  assert.deepEqual(u.inboxes, [{ id: h.ws.inboxId, name: 'Inbox' }]);
  assert.deepEqual(
    (await juri(h, 'GET', '/user/', { query: { search: 'brUNO' } })).json.data.map((x: { name: string }) => x.name),
    ['Bruno Lima'],
  );
  assert.deepEqual(
    (await juri(h, 'GET', '/user/', { query: { search: `${ana}@` } })).json.data.map((x: { id: string }) => x.id),
    [ana],
  );
  assert.deepEqual(
    (await juri(h, 'GET', '/user/', { query: { roleId: role } })).json.data.map((x: { id: string }) => x.id),
    [ana],
  );
  const paged = await juri(h, 'GET', '/user/', { query: { page: '2', limit: '1' } });
  assert.equal(paged.json.data.length, 1);
  assert.equal(paged.json.totalPages, 2);
});

test('refused and isolated', async () => {
  assert.match(fastifyError(await juri(h, 'GET', '/user/', { query: { limit: '0' } }), 400), /limit/);
  assert.match(fastifyError(await juri(h, 'GET', '/user/', { query: { inboxId: 'x' } }), 400), /inboxId/);
  assert.match(fastifyError(await juri(h, 'GET', '/user/', { query: { inboxId: newId() } }), 404), /Inbox/);
  assert.equal((await juri(h, 'GET', '/user/', { key: h.other.apiKey, query: { inboxId: h.ws.inboxId } })).status, 404);
  const theirs = await juri(h, 'GET', '/user/', { key: h.other.apiKey });
  assert.equal(theirs.json.totalResults, 0, 'another workspace sees none of these users');
});
