import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertKeys, assertPaginates, assertTimes, create, events, ID, listAll } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const TAG_KEYS = ['id', 'inboxId', 'name', 'color', 'modules', 'createdAt', 'updatedAt'];

test('POST /tags creates a tag of an inbox; every module by default; GET reads it back', async () => {
  const tag = await create(h, 'tags', { inboxId: h.ws.inboxId, name: ' VIP ', color: '#B42318' });
  assertKeys(tag, TAG_KEYS);
  assert.match(tag.id, ID);
  assert.equal(tag.name, 'VIP', 'trimmed');
  assert.equal(tag.color, '#B42318');
  assert.deepEqual(tag.modules, ['crm', 'conversas', 'pessoas', 'fast-messages', 'tickets']);
  assertTimes(tag, 'createdAt', 'updatedAt');
  const read = await call(h, 'GET', `/api/v1/tags/${tag.id}`);
  assert.equal(read.status, 200, read.body);
  assert.deepEqual(read.json, tag);
  const chosen = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Leads', color: '#1d4ed8', modules: ['conversas'] });
  assert.deepEqual(chosen.modules, ['conversas']);
});

test('GET /tags pages in creation order; inboxId keeps one inbox', async () => {
  const second = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  for (const name of ['a', 'b', 'c']) await create(h, 'tags', { inboxId: h.ws.inboxId, name: `page-${name}`, color: '#000000' });
  const theirs = await create(h, 'tags', { inboxId: second, name: 'page-a', color: '#ffffff' });
  await assertPaginates(h, 'tags', 5);
  const first = await listAll(h, 'tags', { query: { inboxId: h.ws.inboxId } });
  assert.ok(first.length >= 3);
  assert.ok(first.every((t) => t.inboxId === h.ws.inboxId));
  assert.deepEqual(
    (await listAll(h, 'tags', { query: { inboxId: second } })).map((t) => t.id),
    [theirs.id],
  );
});

test('PATCH renames and recolours; DELETE takes the tag off its conversations, each emitting conversation.updated', async () => {
  const tag = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Old', color: '#000000' });
  const changed = await call(h, 'PATCH', `/api/v1/tags/${tag.id}`, { body: { name: 'New', color: '#ffffff' } });
  assert.equal(changed.status, 200, changed.body);
  assert.equal(changed.json.name, 'New');
  assert.equal(changed.json.color, '#ffffff');
  const { conversationId } = await inbound(h, { name: 'Tagged' });
  assert.equal((await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { tagIds: [tag.id] } })).status, 200);
  const before = (await events(h, 'conversation.updated')).length;
  const deleted = await call(h, 'DELETE', `/api/v1/tags/${tag.id}`);
  assert.equal(deleted.status, 204, deleted.body);
  assert.equal((await call(h, 'GET', `/api/v1/tags/${tag.id}`)).status, 404);
  assert.deepEqual((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.tagIds, []);
  const after = await events(h, 'conversation.updated');
  assert.equal(after.length, before + 1);
  assert.deepEqual(after[after.length - 1].payload.changes, ['tags']);
});

test('agents read the tags of their inboxes with their session; admins write with theirs', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const listed = await asSession(h, cookie, 'GET', '/api/v1/tags');
  assert.equal(listed.status, 200, listed.body);
  assert.ok(listed.json.data.length > 0);
  const admin = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const made = await asSession(h, admin, 'POST', '/api/v1/tags', { body: { inboxId: h.ws.inboxId, name: 'By admin', color: '#123456' } });
  assert.equal(made.status, 201, made.body);
  assert.equal((await asSession(h, admin, 'DELETE', `/api/v1/tags/${made.json.id}`)).status, 204);
});
