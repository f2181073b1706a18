import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
let mine: { conversationId: string; messageId: string; personId: string };
let sentExternalId: string;
before(async () => {
  h = await startHarness();
  mine = await inbound(h, { phone: '5511955550000', externalId: 'wamid.mine' });
  const sent = await call(h, 'POST', `/api/v1/conversations/${mine.conversationId}/messages`, { body: { message: 'oi' } });
  sentExternalId = sent.json.externalId;
});
after(async () => {
  await h?.close();
});

/** What another workspace's key gets for this workspace's ids must equal what it gets for ids that do not exist. */
async function assertLooksUnknown(method: 'GET' | 'POST', path: (id: string) => string, body?: unknown, idOf: () => string = () => mine.conversationId) {
  const foreign = await call(h, method, path(idOf()), { key: h.other.apiKey, ...(body !== undefined ? { body } : {}) });
  const unknown = await call(h, method, path(newId()), { key: h.other.apiKey, ...(body !== undefined ? { body } : {}) });
  assert.equal(foreign.status, 404, foreign.body);
  assert.equal(unknown.status, 404);
  assert.equal(foreign.json.error.code, unknown.json.error.code);
  assert.equal(foreign.json.error.message.replace(/c[0-9a-z]{26}/g, 'ID'), unknown.json.error.message.replace(/c[0-9a-z]{26}/g, 'ID'));
}

describe("another workspace's key", () => {
  test('cannot read a conversation', () => assertLooksUnknown('GET', (id) => `/api/v1/conversations/${id}`));
  test('cannot read its messages', () => assertLooksUnknown('GET', (id) => `/api/v1/conversations/${id}/messages`));
  test('cannot send into it', () => assertLooksUnknown('POST', (id) => `/api/v1/conversations/${id}/messages`, { message: 'intruso' }));
  test('cannot assign it', () => assertLooksUnknown('POST', (id) => `/api/v1/conversations/${id}/assign`, { userId: null }));
  test('cannot hand it off', () => assertLooksUnknown('POST', (id) => `/api/v1/conversations/${id}/handoff`, {}));
  test('cannot resolve it', () => assertLooksUnknown('POST', (id) => `/api/v1/conversations/${id}/resolve`));
  test('cannot mark it read', () => assertLooksUnknown('POST', (id) => `/api/v1/conversations/${id}/read`));
  test('cannot inject inbound messages into its channel', () =>
    assertLooksUnknown(
      'POST',
      (id) => `/api/v1/channels/${id}/inbound`,
      { from: { phone: '5511999990000' }, message: { type: 'text', text: 'x' } },
      () => h.ws.channelId,
    ));
  test('cannot post receipts to its channel', () =>
    assertLooksUnknown(
      'POST',
      (id) => `/api/v1/channels/${id}/receipts`,
      { externalId: sentExternalId, status: 'read' },
      () => h.ws.channelId,
    ));

  test("cannot use its own channel to post receipts for this workspace's messages", async () => {
    const res = await call(h, 'POST', `/api/v1/channels/${h.other.channelId}/receipts`, {
      key: h.other.apiKey,
      body: { externalId: sentExternalId, status: 'read' },
    });
    assert.equal(res.status, 404);
  });

  test("cannot assign its conversation to this workspace's agent, nor page with its message as anchor", async () => {
    const theirs = await inbound(h, { ws: h.other });
    const myAgent = await makeUser(h);
    const assign = await call(h, 'POST', `/api/v1/conversations/${theirs.conversationId}/assign`, { key: h.other.apiKey, body: { userId: myAgent } });
    assert.equal(assign.status, 404);
    assert.match(assign.json.error.message, /User/);
    const quoted = await call(h, 'POST', `/api/v1/conversations/${theirs.conversationId}/messages`, {
      key: h.other.apiKey,
      body: { message: 'x', quotedMessageId: mine.messageId },
    });
    assert.equal(quoted.status, 404);
    const anchored = await call(h, 'GET', `/api/v1/conversations/${theirs.conversationId}/messages`, { key: h.other.apiKey, query: { after: mine.messageId } });
    assert.equal(anchored.status, 404);
  });

  test("never sees this workspace's conversations or events in lists", async () => {
    const list = await call(h, 'GET', '/api/v1/conversations', { key: h.other.apiKey, query: { limit: '200' } });
    assert.ok(list.json.data.every((c: { id: string }) => c.id !== mine.conversationId));
    const byInbox = await call(h, 'GET', '/api/v1/conversations', { key: h.other.apiKey, query: { inboxId: h.ws.inboxId } });
    assert.deepEqual(byInbox.json.data, []);
    const events = await call(h, 'GET', '/api/v1/events', { key: h.other.apiKey, query: { limit: '200' } });
    assert.ok(events.json.data.every((e: { conversationId: string | null }) => e.conversationId !== mine.conversationId));
  });

  test('the same phone in two workspaces is two people and two conversations', async () => {
    const theirs = await inbound(h, { ws: h.other, phone: '5511955550000', externalId: 'wamid.mine' });
    assert.notEqual(theirs.conversationId, mine.conversationId);
    assert.notEqual(theirs.personId, mine.personId);
    assert.equal(theirs.duplicate, false, 'externalId de-duplication is per conversation, so per workspace');
  });
});

describe('the person summary', () => {
  test("another workspace's list and get never show this workspace's people", async () => {
    const theirs = await inbound(h, { ws: h.other, phone: '5511955557777', name: 'Outra Pessoa' });
    const list = await call(h, 'GET', '/api/v1/conversations', { key: h.other.apiKey, query: { limit: '200' } });
    assert.equal(list.status, 200, list.body);
    const found = list.json.data.find((c: { id: string }) => c.id === theirs.conversationId);
    assert.deepEqual(found.person, { id: theirs.personId, name: 'Outra Pessoa', phoneNumber: '5511955557777' });
    assert.ok(list.json.data.every((c: { id: string; person: { id: string } | null }) => c.id !== mine.conversationId && c.person?.id !== mine.personId));
    const mineList = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '200' } });
    const people = mineList.json.data.map((c: { person: { id: string } | null }) => c.person?.id);
    assert.ok(people.includes(mine.personId));
    assert.ok(!people.includes(theirs.personId));
    const one = await call(h, 'GET', `/api/v1/conversations/${theirs.conversationId}`, { key: h.other.apiKey });
    assert.equal(one.json.person.id, theirs.personId);
  });
});

describe('an agent limited to one inbox', () => {
  test("lists and reads only that inbox's conversations, with their people; the others' answer 404", async () => {
    const inbox = await call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Só esta' } });
    assert.equal(inbox.status, 201, inbox.body);
    const channel = await call(h, 'POST', '/api/v1/channels', { body: { inboxId: inbox.json.id, kind: 'sandbox', name: 'Sandbox só esta' } });
    assert.equal(channel.status, 201, channel.body);
    const theirs = await call(h, 'POST', `/api/v1/channels/${channel.json.id}/inbound`, {
      body: { from: { phone: '5511955558888', name: 'Pessoa da Caixa' }, message: { type: 'text', text: 'oi' } },
    });
    assert.equal(theirs.status, 200, theirs.body);
    const agent = await makeAgent(h, { inboxIds: [inbox.json.id] });
    const cookie = await signIn(h, agent.email, agent.password);
    for (const pinnedFirst of ['false', 'true']) {
      const list = await asSession(h, cookie, 'GET', `/api/v1/conversations?pinnedFirst=${pinnedFirst}`);
      assert.equal(list.status, 200, list.body);
      assert.deepEqual(
        list.json.data.map((c: { id: string; person: { name: string } }) => [c.id, c.person.name]),
        [[theirs.json.conversationId, 'Pessoa da Caixa']],
      );
    }
    const one = await asSession(h, cookie, 'GET', `/api/v1/conversations/${theirs.json.conversationId}`);
    assert.equal(one.json.person.name, 'Pessoa da Caixa');
    const outside = await asSession(h, cookie, 'GET', `/api/v1/conversations/${mine.conversationId}`);
    assert.equal(outside.status, 404, outside.body);
  });
});
