import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, create, UNKNOWN_ID } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';
import { newId } from '../../src/domain/ids.ts';

/** Who may retry a failed message: the workspace's keys and admins, agents on the conversations they can see. */

let h: Harness;
let secondInbox: string;
let secondChannel: string;

before(async () => {
  h = await startHarness();
  secondInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  secondChannel = (await create(h, 'channels', { inboxId: secondInbox, kind: 'sandbox', name: 'Vendas sandbox' })).id;
});
after(async () => {
  await h?.close();
});

/** A conversation on `channelId` with an outbound message the sandbox reported failed. */
async function failedOn(channelId: string) {
  const res = await call(h, 'POST', `/api/v1/channels/${channelId}/inbound`, {
    body: { from: { phone: `5511${Math.floor(Math.random() * 1e9)}`, name: 'Pessoa' }, message: { type: 'text', text: 'Oi' } },
  });
  assert.equal(res.status, 200, res.body);
  const conversationId = res.json.conversationId as string;
  const sent = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'falhou' } });
  await call(h, 'POST', `/api/v1/channels/${channelId}/receipts`, { body: { externalId: sent.json.externalId, status: 'failed', error: 'boom' } });
  return { conversationId, messageId: sent.json.id as string };
}

const retryUrl = (conversationId: string, messageId: string) => `/api/v1/conversations/${conversationId}/messages/${messageId}/retry`;

async function statusOf(conversationId: string, messageId: string) {
  const list = await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`);
  return list.json.data.find((m: { id: string }) => m.id === messageId).externalStatus;
}

test("another workspace's key gets 404 exactly as for unknown ids, and nothing is sent", async () => {
  const { conversationId, messageId } = await failedOn(h.ws.channelId);
  const foreign = await call(h, 'POST', retryUrl(conversationId, messageId), { key: h.other.apiKey });
  const unknown = await call(h, 'POST', retryUrl(newId(), messageId), { key: h.other.apiKey });
  assertError(foreign, 404);
  assertError(unknown, 404);
  assert.equal(foreign.json.error.code, unknown.json.error.code);
  assert.equal(foreign.json.error.details.reason, unknown.json.error.details.reason);
  assert.equal(foreign.json.error.message.replace(/c[0-9a-z]{26}/g, 'ID'), unknown.json.error.message.replace(/c[0-9a-z]{26}/g, 'ID'));
  assert.equal(await statusOf(conversationId, messageId), 'failed');
});

test("a message id of another workspace, under one's own conversation, is 404 message_not_found", async () => {
  const { conversationId, messageId } = await failedOn(h.ws.channelId);
  const other = await call(h, 'POST', `/api/v1/channels/${h.other.channelId}/inbound`, {
    key: h.other.apiKey,
    body: { from: { phone: '5511900001111', name: 'X' }, message: { type: 'text', text: 'Oi' } },
  });
  assertError(await call(h, 'POST', retryUrl(other.json.conversationId, messageId), { key: h.other.apiKey }), 404, { reason: 'message_not_found' });
  assert.equal(await statusOf(conversationId, messageId), 'failed');
});

test('an agent retries on a conversation of their inbox; another inbox answers 404 like an unknown id', async () => {
  const mine = await failedOn(secondChannel);
  const hidden = await failedOn(h.ws.channelId);
  const agent = await makeAgent(h, { inboxIds: [secondInbox] });
  const cookie = await signIn(h, agent.email, agent.password);
  const unknown = await asSession(h, cookie, 'POST', retryUrl(UNKNOWN_ID, hidden.messageId));
  assertError(unknown, 404);
  const refused = await asSession(h, cookie, 'POST', retryUrl(hidden.conversationId, hidden.messageId));
  assertError(refused, 404, { code: unknown.json.error.code, reason: unknown.json.error.details.reason });
  assert.equal(refused.json.error.message, unknown.json.error.message.replace(UNKNOWN_ID, hidden.conversationId));
  assert.equal(await statusOf(hidden.conversationId, hidden.messageId), 'failed');

  const ok = await asSession(h, cookie, 'POST', retryUrl(mine.conversationId, mine.messageId));
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.json.externalStatus, 'sent');
});

test('an agent limited to their own conversations cannot retry in an unassigned one', async () => {
  const target = await failedOn(secondChannel);
  const agent = await makeAgent(h, { inboxIds: [secondInbox], onlyAssignedConversations: true });
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await asSession(h, cookie, 'POST', retryUrl(target.conversationId, target.messageId)), 404, { reason: 'conversation_not_found' });
  await call(h, 'POST', `/api/v1/conversations/${target.conversationId}/assign`, { body: { userId: agent.id } });
  assert.equal((await asSession(h, cookie, 'POST', retryUrl(target.conversationId, target.messageId))).status, 200);
});

test('with a session cookie, a retry needs the Origin of PUBLIC_URL (CSRF)', async () => {
  const target = await failedOn(h.ws.channelId);
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const res = await asSession(h, cookie, 'POST', retryUrl(target.conversationId, target.messageId), { origin: 'https://evil.example' });
  assert.equal(res.status, 403, res.body);
  assert.equal(await statusOf(target.conversationId, target.messageId), 'failed');
});
