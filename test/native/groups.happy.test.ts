import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertKeys, assertPaginates, assertTimes, create, listAll, ID, assertError } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const GROUP_KEYS = ['id', 'inboxId', 'channelId', 'name', 'externalId', 'imageUrl', 'memberIds', 'createdAt', 'updatedAt'];

const person = async (name: string, inboxId = h.ws.inboxId) => (await create(h, 'people', { inboxId, name })).id as string;

test("POST /groups creates a group on a channel, in the channel's inbox, without members", async () => {
  const group = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Família' });
  assertKeys(group, GROUP_KEYS);
  assert.match(group.id, ID);
  assert.equal(group.inboxId, h.ws.inboxId);
  assert.equal(group.channelId, h.ws.channelId);
  assert.equal(group.name, 'Família');
  assert.equal(group.externalId, null);
  assert.equal(group.imageUrl, null);
  assert.deepEqual(group.memberIds, []);
  assertTimes(group, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/groups/${group.id}`)).json, group);
  assert.deepEqual(
    (await listAll(h, 'groups')).find((g) => g.id === group.id),
    group,
  );

  const full = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Trabalho', externalId: '120363@g.us', imageUrl: 'https://cdn.example.com/g.png' });
  assert.equal(full.externalId, '120363@g.us');
  assert.equal(full.imageUrl, 'https://cdn.example.com/g.png');
});

test('PUT /groups/{id}/members replaces the membership', async () => {
  const group = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Members' });
  const [a, b, c] = [await person('A'), await person('B'), await person('C')];
  const put = (personIds: string[]) => call(h, 'PUT', `/api/v1/groups/${group.id}/members`, { body: { personIds } });

  const first = await put([b, a, a]);
  assert.equal(first.status, 200, first.body);
  assertKeys(first.json, GROUP_KEYS);
  assert.deepEqual(first.json.memberIds, [a, b].sort());
  assert.ok(first.json.updatedAt >= group.updatedAt);
  assert.deepEqual((await put([b, c])).json.memberIds, [b, c].sort());
  assert.deepEqual((await call(h, 'GET', `/api/v1/groups/${group.id}`)).json.memberIds, [b, c].sort());
  const former = await h.store.db
    .selectFrom('group_members')
    .select(['person_id', 'is_member'])
    .where('group_id', '=', group.id)
    .where('person_id', '=', a)
    .executeTakeFirst();
  assert.equal(Number(former?.is_member), 0, 'a former member is kept with is_member = 0');
  assert.deepEqual((await put([])).json.memberIds, []);
  assert.deepEqual((await put([a])).json.memberIds, [a], 'a former member can join again');
});

test('PATCH /groups/{id} renames and changes image and externalId; the conversation is found by the new name', async () => {
  const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
    body: {
      from: { phone: '5511911110000', name: 'Membro' },
      group: { externalId: 'grp-1@g.us', name: 'Grupo Antigo' },
      message: { type: 'text', text: 'oi' },
    },
  });
  assert.equal(res.status, 200, res.body);
  const [group] = await listAll(h, 'groups', { query: { externalId: 'grp-1@g.us' } });
  assert.deepEqual(group.memberIds, [res.json.personId], 'the inbound member is listed');
  const patched = await call(h, 'PATCH', `/api/v1/groups/${group.id}`, {
    body: { name: 'Grupo Novo', imageUrl: 'https://cdn.example.com/n.png', externalId: 'grp-2@g.us' },
  });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, GROUP_KEYS);
  assert.equal(patched.json.name, 'Grupo Novo');
  assert.equal(patched.json.imageUrl, 'https://cdn.example.com/n.png');
  assert.equal(patched.json.externalId, 'grp-2@g.us');
  assert.deepEqual(patched.json.memberIds, group.memberIds);
  assert.deepEqual((await call(h, 'GET', `/api/v1/groups/${group.id}`)).json, patched.json);
  const search = async (q: string) => (await call(h, 'GET', '/api/v1/conversations', { query: { search: q } })).json.data.map((c: { id: string }) => c.id);
  assert.ok((await search('grupo novo')).includes(res.json.conversationId));
  assert.ok(!(await search('antigo')).includes(res.json.conversationId));
  const cleared = await call(h, 'PATCH', `/api/v1/groups/${group.id}`, { body: { imageUrl: null, externalId: null } });
  assert.equal(cleared.json.imageUrl, null);
  assert.equal(cleared.json.externalId, null);
});

test('GET /groups filters by inbox, channel and externalId', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Groups inbox' });
  const channel = await create(h, 'channels', { inboxId: inbox.id, kind: 'sandbox', name: 'Groups line' });
  const group = await create(h, 'groups', { channelId: channel.id, name: 'There', externalId: 'there@g.us' });
  assert.equal(group.inboxId, inbox.id);
  assert.deepEqual(
    (await listAll(h, 'groups', { query: { inboxId: inbox.id } })).map((g) => g.id),
    [group.id],
  );
  assert.deepEqual(
    (await listAll(h, 'groups', { query: { channelId: channel.id } })).map((g) => g.id),
    [group.id],
  );
  assert.deepEqual(
    (await listAll(h, 'groups', { query: { externalId: 'there@g.us' } })).map((g) => g.id),
    [group.id],
  );
});

test('there is no DELETE of a group', async () => {
  const group = await create(h, 'groups', { channelId: h.ws.channelId, name: 'Stays' });
  assertError(await call(h, 'DELETE', `/api/v1/groups/${group.id}`), 404, { reason: 'route_not_found' });
});

test('Idempotency-Key on POST /groups replays the first answer', async () => {
  const body = { channelId: h.ws.channelId, name: 'Idem', externalId: 'idem@g.us' };
  const headers = { 'idempotency-key': 'group-1' };
  const first = await call(h, 'POST', '/api/v1/groups', { body, headers });
  const replay = await call(h, 'POST', '/api/v1/groups', { body, headers });
  assert.equal(first.status, 201, first.body);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/groups', { body: { ...body, name: 'x' }, headers }), 409, { reason: 'idempotency_key_reused' });
});

test('GET /groups pages by id', async () => {
  await assertPaginates(h, 'groups', 6);
});
