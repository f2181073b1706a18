import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertForeignIs404, create, listAll, UNKNOWN_ID } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
let secondInbox: string;
before(async () => {
  h = await startHarness();
  secondInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
});
after(async () => {
  await h?.close();
});

test("another workspace's key gets 404 for GET, PATCH and DELETE of a tag, and nothing changes", async () => {
  const tag = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Mine', color: '#000000' });
  await assertForeignIs404(h, 'tags', tag.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen' });
  assert.equal((await call(h, 'GET', `/api/v1/tags/${tag.id}`)).json.name, 'Mine');
});

test("lists never mix workspaces; another workspace's inbox is 404 on create and as a filter", async () => {
  const mine = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Shared', color: '#000000' });
  const theirs = await create(h, 'tags', { inboxId: h.other.inboxId, name: 'Shared', color: '#000000' }, h.other);
  assert.ok(!(await listAll(h, 'tags')).some((t) => t.id === theirs.id));
  assert.ok(!(await listAll(h, 'tags', { ws: h.other })).some((t) => t.id === mine.id));
  assertError(await call(h, 'POST', '/api/v1/tags', { body: { inboxId: h.other.inboxId, name: 'x', color: '#000000' } }), 404, { reason: 'inbox_not_found' });
  assertError(await call(h, 'GET', '/api/v1/tags', { query: { inboxId: h.other.inboxId } }), 404, { reason: 'inbox_not_found' });
});

test("an agent reads only their inboxes' tags (the others answer 404 like unknown ids) and may not change any (403)", async () => {
  const here = await create(h, 'tags', { inboxId: secondInbox, name: 'Here', color: '#000000' });
  const there = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'There', color: '#000000' });
  const agent = await makeAgent(h, { inboxIds: [secondInbox] });
  const cookie = await signIn(h, agent.email, agent.password);
  const listed = await asSession(h, cookie, 'GET', '/api/v1/tags');
  assert.equal(listed.status, 200, listed.body);
  const ids = listed.json.data.map((t: { id: string }) => t.id);
  assert.ok(ids.includes(here.id));
  assert.ok(!ids.includes(there.id), 'not the tags of an inbox the agent does not work in');
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/tags/${here.id}`)).status, 200);
  const hidden = await asSession(h, cookie, 'GET', `/api/v1/tags/${there.id}`);
  const unknown = await asSession(h, cookie, 'GET', `/api/v1/tags/${UNKNOWN_ID}`);
  assertError(hidden, 404, { reason: 'tag_not_found' });
  assert.equal(hidden.json.error.message.replace(there.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  assertError(await asSession(h, cookie, 'GET', `/api/v1/tags?inboxId=${h.ws.inboxId}`), 404, { reason: 'inbox_not_found' });
  for (const [method, url, body] of [
    ['POST', '/api/v1/tags', { inboxId: secondInbox, name: 'x', color: '#000000' }],
    ['PATCH', `/api/v1/tags/${here.id}`, { name: 'x' }],
    ['DELETE', `/api/v1/tags/${here.id}`, undefined],
  ] as const) {
    assertError(await asSession(h, cookie, method, url, { body }), 403, { code: 'forbidden', reason: 'admin_only' });
  }
  assert.equal((await call(h, 'GET', `/api/v1/tags/${here.id}`)).json.name, 'Here');
});

test('tag routes need credentials', async () => {
  assertError(await call(h, 'GET', '/api/v1/tags', { key: null }), 401);
  assertError(await call(h, 'POST', '/api/v1/tags', { key: 'x', body: { inboxId: h.ws.inboxId, name: 'x', color: '#000000' } }), 401);
});
