import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, create, UNKNOWN_ID } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
/** A conversation in the first inbox, one in the second. */
let inFirst: string;
let inSecond: string;
let secondInbox: string;
let secondChannel: string;

async function inboundOn(channelId: string, name: string) {
  const res = await call(h, 'POST', `/api/v1/channels/${channelId}/inbound`, {
    body: { from: { phone: `5511${Math.floor(Math.random() * 1e9)}`, name }, message: { type: 'text', text: 'Oi' } },
  });
  assert.equal(res.status, 200, res.body);
  return res.json.conversationId as string;
}

before(async () => {
  h = await startHarness();
  secondInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  secondChannel = (await create(h, 'channels', { inboxId: secondInbox, kind: 'sandbox', name: 'Vendas sandbox' })).id;
  inFirst = (await inbound(h, { name: 'Primeira' })).conversationId;
  inSecond = await inboundOn(secondChannel, 'Segunda');
});
after(async () => {
  await h?.close();
});

const ids = (res: { json: any }) => (res.json.data as { id: string }[]).map((c) => c.id);

/** What an unknown conversation id answers, to compare hidden ones with. */
async function unknownAnswer(cookie: string) {
  const res = await asSession(h, cookie, 'GET', `/api/v1/conversations/${UNKNOWN_ID}`);
  assertError(res, 404);
  return res.json.error;
}

test('an agent of one inbox sees only its conversations; the others answer 404 like unknown ids on every conversation route', async () => {
  const agent = await makeAgent(h, { inboxIds: [secondInbox] });
  const cookie = await signIn(h, agent.email, agent.password);
  const list = await asSession(h, cookie, 'GET', '/api/v1/conversations', { headers: {} });
  assert.equal(list.status, 200, list.body);
  assert.ok(ids(list).includes(inSecond));
  assert.ok(!ids(list).includes(inFirst), 'the other inbox is not listed');
  assert.deepEqual(ids(await asSession(h, cookie, 'GET', `/api/v1/conversations?inboxId=${h.ws.inboxId}`)), [], 'not even when asked for');

  const unknown = await unknownAnswer(cookie);
  const hidden = [
    ['GET', `/api/v1/conversations/${inFirst}`, undefined],
    ['GET', `/api/v1/conversations/${inFirst}/messages`, undefined],
    ['POST', `/api/v1/conversations/${inFirst}/messages`, { message: 'x' }],
    ['POST', `/api/v1/conversations/${inFirst}/assign`, { userId: agent.id }],
    ['POST', `/api/v1/conversations/${inFirst}/handoff`, {}],
    ['POST', `/api/v1/conversations/${inFirst}/resolve`, undefined],
    ['POST', `/api/v1/conversations/${inFirst}/read`, undefined],
  ] as const;
  for (const [method, url, body] of hidden) {
    const res = await asSession(h, cookie, method, url, { body });
    assertError(res, 404, { code: unknown.code, reason: unknown.details.reason });
    assert.equal(res.json.error.message, unknown.message.replace(UNKNOWN_ID, inFirst), `${method} ${url}`);
  }
  const messages = await call(h, 'GET', `/api/v1/conversations/${inFirst}/messages`);
  assert.equal(messages.json.data.length, 1, 'nothing was sent to the hidden conversation');
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${inFirst}`)).json.status !== 'INACTIVE', true, 'nor was it resolved');

  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${inSecond}`)).status, 200);
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${inSecond}/messages`)).status, 200);
  const sent = await asSession(h, cookie, 'POST', `/api/v1/conversations/${inSecond}/messages`, { body: { message: 'Olá!' } });
  assert.equal(sent.status, 201, sent.body);
  assert.equal(sent.json.senderUserId, agent.id, 'the agent writes as themselves');
  const asOther = await asSession(h, cookie, 'POST', `/api/v1/conversations/${inSecond}/messages`, { body: { message: 'x', senderUserId: UNKNOWN_ID } });
  assertError(asOther, 403, { code: 'forbidden' });
  assert.equal((await asSession(h, cookie, 'POST', `/api/v1/conversations/${inSecond}/assign`, { body: { userId: agent.id } })).status, 200);
  assert.equal((await asSession(h, cookie, 'POST', `/api/v1/conversations/${inSecond}/read`)).status, 200);
  assert.equal((await asSession(h, cookie, 'POST', `/api/v1/conversations/${inSecond}/resolve`)).status, 200);
});

test('membership is read on every request: an agent added to an inbox sees it at once, removed loses it at once', async () => {
  const agent = await makeAgent(h, { inboxIds: [] });
  const cookie = await signIn(h, agent.email, agent.password);
  assert.deepEqual(ids(await asSession(h, cookie, 'GET', '/api/v1/conversations')), [], 'no inbox: nothing');
  await call(h, 'PATCH', `/api/v1/users/${agent.id}`, { body: { inboxIds: [h.ws.inboxId] } });
  assert.ok(ids(await asSession(h, cookie, 'GET', '/api/v1/conversations')).includes(inFirst));
  await call(h, 'PATCH', `/api/v1/users/${agent.id}`, { body: { inboxIds: [secondInbox] } });
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${inFirst}`)).status, 404);
});

test('onlyAssignedConversations: the agent sees only the conversations assigned to them', async () => {
  const agent = await makeAgent(h, { onlyAssignedConversations: true });
  const cookie = await signIn(h, agent.email, agent.password);
  const mine = await inboundOn(secondChannel, 'Minha');
  assert.ok(!ids(await asSession(h, cookie, 'GET', '/api/v1/conversations')).includes(mine));
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${mine}`)).status, 404);
  assert.equal((await call(h, 'POST', `/api/v1/conversations/${mine}/assign`, { body: { userId: agent.id } })).status, 200);
  assert.deepEqual(ids(await asSession(h, cookie, 'GET', '/api/v1/conversations')), [mine]);
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${mine}`)).status, 200);
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${inSecond}`)).status, 404);
  assert.equal((await asSession(h, cookie, 'POST', `/api/v1/conversations/${inFirst}/resolve`)).status, 404);
});

test('agents get 403 forbidden on admin routes; reads of users and inboxes stay open; admins and API keys pass', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const adminOnly = [
    ['GET', '/api/v1/api-keys', undefined],
    ['POST', '/api/v1/api-keys', { name: 'x' }],
    ['GET', '/api/v1/channels', undefined],
    ['POST', '/api/v1/channels', { inboxId: secondInbox, kind: 'sandbox', name: 'x' }],
    ['GET', `/api/v1/channels/${secondChannel}`, undefined],
    ['POST', `/api/v1/channels/${secondChannel}/inbound`, { from: { phone: '5511999990001' }, message: { type: 'text', text: 'x' } }],
    ['GET', '/api/v1/bots', undefined],
    ['GET', '/api/v1/events', undefined],
    ['POST', '/api/v1/users', { name: 'x', email: 'x@example.com' }],
    ['PATCH', `/api/v1/users/${agent.id}`, { access: 'admin' }],
    ['DELETE', `/api/v1/users/${agent.id}`, undefined],
    ['POST', `/api/v1/users/${agent.id}/invite`, undefined],
    ['POST', '/api/v1/inboxes', { name: 'x' }],
    ['PATCH', `/api/v1/inboxes/${secondInbox}`, { name: 'x' }],
    ['DELETE', `/api/v1/inboxes/${secondInbox}`, undefined],
    ['POST', '/api/v1/roles', { name: 'x' }],
    ['POST', '/api/v1/saved-replies', { shortcut: 'x', text: 'x' }],
  ] as const;
  for (const [method, url, body] of adminOnly) {
    const res = await asSession(h, cookie, method, url, { body });
    assertError(res, 403, { code: 'forbidden', reason: 'admin_only' });
  }
  assert.equal((await call(h, 'GET', `/api/v1/users/${agent.id}`)).json.access, 'agent', 'the agent did not promote themselves');
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/users')).status, 200);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/inboxes')).status, 200);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/saved-replies')).status, 200, 'agents use the saved replies');
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me')).json.user.access, 'agent');

  const admin = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  for (const url of ['/api/v1/api-keys', '/api/v1/channels', '/api/v1/bots', '/api/v1/events']) {
    assert.equal((await asSession(h, admin, 'GET', url)).status, 200, url);
    assert.equal((await call(h, 'GET', url)).status, 200, `${url} with the API key`);
  }
  const promoted = await asSession(h, admin, 'PATCH', `/api/v1/users/${agent.id}`, { body: { access: 'admin' } });
  assert.equal(promoted.status, 200, promoted.body);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/api-keys')).status, 200, 'promoted: the same session passes at once');
});

test("a session of one workspace never sees another's data: 404, and lists without it", async () => {
  const other = await signIn(h, h.other.userEmail, h.other.userPassword);
  const me = await asSession(h, other, 'GET', '/api/v1/auth/me');
  assert.equal(me.json.workspace.id, h.other.workspaceId);
  assert.deepEqual(ids(await asSession(h, other, 'GET', '/api/v1/conversations')), []);
  for (const url of [`/api/v1/conversations/${inFirst}`, `/api/v1/conversations/${inFirst}/messages`, `/api/v1/inboxes/${secondInbox}`]) {
    assertError(await asSession(h, other, 'GET', url), 404);
  }
  assertError(await asSession(h, other, 'POST', `/api/v1/conversations/${inFirst}/resolve`), 404);
  const agent = await makeAgent(h);
  assertError(await asSession(h, other, 'GET', `/api/v1/users/${agent.id}`), 404);
  assertError(await asSession(h, other, 'POST', `/api/v1/users/${agent.id}/invite`), 404);
  const users = await asSession(h, other, 'GET', '/api/v1/users');
  assert.ok(!users.body.includes(agent.id));
  // An agent of the other workspace with every inbox still sees nothing of this one.
  const otherAgent = await makeAgent(h, {}, h.other.apiKey);
  const agentCookie = await signIn(h, otherAgent.email, otherAgent.password);
  assert.deepEqual(ids(await asSession(h, agentCookie, 'GET', '/api/v1/conversations')), []);
  assertError(await asSession(h, agentCookie, 'GET', `/api/v1/conversations/${inSecond}`), 404);
});

test('an agent sees and changes the people of their inboxes only; the others answer 404', async () => {
  const agent = await makeAgent(h, { inboxIds: [secondInbox] });
  const cookie = await signIn(h, agent.email, agent.password);
  const here = (await call(h, 'GET', `/api/v1/conversations/${inSecond}`)).json.personId as string;
  const there = (await call(h, 'GET', `/api/v1/conversations/${inFirst}`)).json.personId as string;
  const listed = await asSession(h, cookie, 'GET', '/api/v1/people');
  assert.ok(ids(listed).includes(here));
  assert.ok(!ids(listed).includes(there));
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/people/${here}`)).status, 200);
  assertError(await asSession(h, cookie, 'GET', `/api/v1/people/${there}`), 404, { reason: 'person_not_found' });
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/people/${there}`, { body: { name: 'x' } }), 404);
  assertError(await asSession(h, cookie, 'DELETE', `/api/v1/people/${there}`), 404);
  assertError(await asSession(h, cookie, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, name: 'x', phoneNumber: '5511988887777' } }), 404);
  const created = await asSession(h, cookie, 'POST', '/api/v1/people', { body: { inboxId: secondInbox, name: 'Nova', phoneNumber: '5511988887777' } });
  assert.equal(created.status, 201, created.body);
});
