import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, create, UNKNOWN_ID } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
let conversationId: string;
let personId: string;
before(async () => {
  h = await startHarness();
  ({ conversationId, personId } = await inbound(h, { name: 'Private' }));
});
after(async () => {
  await h?.close();
});

test("another workspace's key gets 404, exactly as for an unknown id, on PATCH and /unread; nothing changes", async () => {
  for (const [method, suffix, body] of [
    ['PATCH', '', { isFixed: true }],
    ['POST', '/unread', undefined],
  ] as const) {
    const foreign = await call(h, method, `/api/v1/conversations/${conversationId}${suffix}`, { key: h.other.apiKey, body });
    const unknown = await call(h, method, `/api/v1/conversations/${UNKNOWN_ID}${suffix}`, { key: h.other.apiKey, body });
    assertError(foreign, 404, { reason: 'conversation_not_found' });
    assert.equal(foreign.json.error.message.replace(conversationId, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  }
  await call(h, 'POST', `/api/v1/conversations/${conversationId}/read`);
  const mine = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(mine.isFixed, false);
  assert.equal(mine.unreadCount, 0);
});

test("another workspace's tag is an unknown tag (400) and ?personId= never lists another workspace's conversations", async () => {
  const theirs = await create(h, 'tags', { inboxId: h.other.inboxId, name: 'Theirs', color: '#000000' }, h.other);
  assertError(await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { tagIds: [theirs.id] } }), 400, { reason: 'unknown_tag' });
  const listed = await call(h, 'GET', '/api/v1/conversations', { key: h.other.apiKey, query: { personId } });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json.data, []);
});

test("an agent changes only the conversations they see: another inbox's answer 404 like unknown ids, and ?personId= stays in scope", async () => {
  const secondInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  const agent = await makeAgent(h, { inboxIds: [secondInbox] });
  const cookie = await signIn(h, agent.email, agent.password);
  const unknown = await asSession(h, cookie, 'PATCH', `/api/v1/conversations/${UNKNOWN_ID}`, { body: { isFixed: true } });
  for (const [method, suffix, body] of [
    ['PATCH', '', { isFixed: true }],
    ['POST', '/unread', undefined],
  ] as const) {
    const res = await asSession(h, cookie, method, `/api/v1/conversations/${conversationId}${suffix}`, { body });
    assertError(res, 404, { reason: 'conversation_not_found' });
    assert.equal(res.json.error.message.replace(conversationId, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  }
  assert.deepEqual((await asSession(h, cookie, 'GET', `/api/v1/conversations?personId=${personId}`)).json.data, []);
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.isFixed, false);

  const onlyMine = await makeAgent(h, { onlyAssignedConversations: true });
  const mineCookie = await signIn(h, onlyMine.email, onlyMine.password);
  assertError(await asSession(h, mineCookie, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true } }), 404);
  await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: onlyMine.id } });
  const pinned = await asSession(h, mineCookie, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true } });
  assert.equal(pinned.status, 200, pinned.body);
  assert.equal((await asSession(h, mineCookie, 'POST', `/api/v1/conversations/${conversationId}/unread`)).status, 200);
});

test('a change made with the session cookie needs the inbox origin', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true }, origin: null }), 403);
  assertError(await asSession(h, cookie, 'POST', `/api/v1/conversations/${conversationId}/unread`, { origin: 'https://evil.example' }), 403);
});
