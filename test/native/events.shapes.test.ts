import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser, makeRole } from '../helpers/fixtures.ts';
import { defaultKeyId, insertTag } from '../helpers/resources.ts';
import { juri } from '../helpers/jurichat.ts';
import { base, jelou, startSession } from '../helpers/jelou.ts';
import { assertNoInternals, assertSameJson, feedAfter, feedEnd, feedEvent, type FeedEvent } from '../helpers/feed.ts';
import { newId } from '../../src/domain/ids.ts';

// Each event's payload holds the objects it describes exactly as the REST routes answer them.

let h: Harness;
let actor: { type: string; id: string };
before(async () => {
  h = await startHarness();
  actor = { type: 'api_key', id: await defaultKeyId(h) };
});
after(async () => {
  await h.close();
});

/** The conversation as GET answers it, without the person summary that only the list and get add. */
const getConversation = async (id: string) => {
  const { person: _person, ...conversation } = (await call(h, 'GET', `/api/v1/conversations/${id}`)).json;
  return conversation;
};
const getPerson = async (id: string) => (await call(h, 'GET', `/api/v1/people/${id}`)).json;
async function getMessage(conversationId: string, messageId: string) {
  const page = await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { limit: '200' } });
  const found = page.json.data.find((m: { id: string }) => m.id === messageId);
  assert.ok(found, `message ${messageId} is listed`);
  return found;
}
/** The session as Jelou's GET shows it, for the fields the native session shares with it. */
async function jelouSession(id: string) {
  const res = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/${id}`);
  assert.equal(res.status, 200, res.body);
  return res.json.data;
}

function checked(event: FeedEvent): any {
  assertNoInternals(event.payload);
  assert.match(event.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return event.payload;
}

async function newPerson(body: Record<string, unknown> = {}) {
  const res = await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, name: 'Rita', ...body } });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

async function openConversation(personId: string): Promise<string> {
  const res = await juri(h, 'POST', '/conversation', { body: { personId, inboxId: h.ws.inboxId, integrationId: h.ws.channelId } });
  assert.equal(res.status, 200, res.body);
  return res.json.conversation.id;
}

describe('conversation.* → { conversation, previousStatus?, … } as GET /api/v1/conversations/{id}', () => {
  test('conversation.created → { conversation, actor }', async () => {
    const person = await newPerson({ phoneNumber: '5511970000001' });
    const cursor = await feedEnd(h);
    const conversationId = await openConversation(person.id);
    const payload = checked(await feedEvent(h, cursor, 'conversation.created', conversationId));
    assertSameJson(payload, { conversation: await getConversation(conversationId), actor });
  });

  test('conversation.updated (attributes) → { conversation, previousStatus, actor }', async () => {
    const { conversationId } = await inbound(h);
    const tag = await insertTag(h, h.ws.inboxId, `vip-${newId()}`);
    const cursor = await feedEnd(h);
    const res = await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { priority: 'HIGH', isFixed: true, tags: [tag] } });
    assert.equal(res.status, 200, res.body);
    const payload = checked(await feedEvent(h, cursor, 'conversation.updated', conversationId));
    const conversation = await getConversation(conversationId);
    assert.deepEqual(conversation.tagIds, [tag]);
    assertSameJson(payload, { conversation, previousStatus: 'ROBOT_INTERACTIVE', actor });
  });

  test('conversation.updated (status) → { conversation, previousStatus, actor }', async () => {
    const { conversationId } = await inbound(h);
    const role = await makeRole(h);
    const cursor = await feedEnd(h);
    const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/handoff`, { body: { roleId: role } });
    assert.equal(res.status, 200, res.body);
    const payload = checked(await feedEvent(h, cursor, 'conversation.updated', conversationId));
    const conversation = await getConversation(conversationId);
    assert.equal(conversation.status, 'WAITING');
    assertSameJson(payload, { conversation, previousStatus: 'ROBOT_INTERACTIVE', actor });
    assertSameJson(res.json.conversation, conversation, 'the handoff answer is the same object too');
  });

  test('conversation.assigned → { conversation, previousStatus, previousAssigneeUserId, actor }', async () => {
    const { conversationId } = await inbound(h);
    const first = await makeUser(h);
    const second = await makeUser(h, h.ws.workspaceId, 'Bia Agente');
    await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: first } });
    const cursor = await feedEnd(h);
    const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: second } });
    assert.equal(res.status, 200, res.body);
    const payload = checked(await feedEvent(h, cursor, 'conversation.assigned', conversationId));
    const conversation = await getConversation(conversationId);
    assert.equal(conversation.assigneeUserId, second);
    assertSameJson(payload, { conversation, previousStatus: 'ACTIVE', previousAssigneeUserId: first, actor });
  });
});

describe('message.* → { message, conversation, … } as GET …/messages and GET …/conversations/{id}', () => {
  test('message.created by an inbound message → { message, conversation, actor } (the channel acted)', async () => {
    const person = await newPerson({ phoneNumber: '5511970000002', name: null });
    const conversationId = await openConversation(person.id);
    const cursor = await feedEnd(h);
    const ids = await inbound(h, { phone: '5511970000002', name: 'Rita Nova', text: 'oi' });
    assert.equal(ids.conversationId, conversationId);
    const payload = checked(await feedEvent(h, cursor, 'message.created', conversationId));
    assertSameJson(payload, {
      message: await getMessage(conversationId, ids.messageId),
      conversation: await getConversation(conversationId),
      actor: { type: 'channel', id: h.ws.channelId },
    });
  });

  test('message.created by an agent, quoting and with media → { message, conversation, actor }', async () => {
    const { conversationId, messageId: quoted } = await inbound(h, { text: 'a pergunta' });
    const cursor = await feedEnd(h);
    const sent = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      body: {
        type: 'image',
        mediaUrl: 'https://cdn.example.com/a.jpg',
        mimeType: 'image/jpeg',
        caption: 'olha',
        quotedMessageId: quoted,
        senderUserId: await makeUser(h),
        clientMessageId: 'client-1',
      },
    });
    assert.equal(sent.status, 201, sent.body);
    const payload = checked(await feedEvent(h, cursor, 'message.created', conversationId));
    const message = await getMessage(conversationId, sent.json.id);
    assert.equal(message.quotedMessageId, quoted);
    assertSameJson(payload, { message, conversation: await getConversation(conversationId), actor });
    assertSameJson(sent.json, message, 'the send answer is the same object too');
  });

  test('message.updated → { message, conversation, previousExternalStatus, actor }', async () => {
    const { conversationId } = await inbound(h);
    const sent = (await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'status?' } })).json;
    const cursor = await feedEnd(h);
    const receipt = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: sent.externalId, status: 'delivered' } });
    assert.equal(receipt.status, 200, receipt.body);
    const payload = checked(await feedEvent(h, cursor, 'message.updated', conversationId));
    const message = await getMessage(conversationId, sent.id);
    assert.equal(message.externalStatus, 'delivered');
    assertSameJson(payload, {
      message,
      conversation: await getConversation(conversationId),
      previousExternalStatus: 'sent',
      actor: { type: 'channel', id: h.ws.channelId },
    });
  });
});

describe('contact.* → { person, actor } as GET /api/v1/people/{id}', () => {
  test('contact.created through the API, with tags', async () => {
    const tags = [await insertTag(h, h.ws.inboxId, `b-${newId()}`), await insertTag(h, h.ws.inboxId, `a-${newId()}`)];
    const cursor = await feedEnd(h);
    const person = await newPerson({ phoneNumber: '5511970000003', email: 'rita@example.com', tagIds: [...tags].reverse() });
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'contact.created' && e.payload.person.id === person.id);
    const rest = await getPerson(person.id);
    assert.deepEqual(rest.tagIds, tags);
    assertSameJson(checked(event!), { person: rest, actor });
  });

  test('contact.created by a first inbound message', async () => {
    const cursor = await feedEnd(h);
    const { personId } = await inbound(h, { phone: '5511970000004', name: 'Nova Pessoa' });
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'contact.created' && e.payload.person.id === personId);
    assertSameJson(checked(event!), { person: await getPerson(personId), actor: { type: 'channel', id: h.ws.channelId } });
  });

  test('contact.updated through the API', async () => {
    const person = await newPerson({ phoneNumber: '5511970000005' });
    const tag = await insertTag(h, h.ws.inboxId, `c-${newId()}`);
    const cursor = await feedEnd(h);
    const res = await call(h, 'PATCH', `/api/v1/people/${person.id}`, { body: { city: 'Natal', tagIds: [tag] } });
    assert.equal(res.status, 200, res.body);
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'contact.updated' && e.payload.person.id === person.id);
    const rest = await getPerson(person.id);
    assertSameJson(checked(event!), { person: rest, actor });
    assertSameJson(res.json, rest);
  });

  test('contact.updated when the channel tells a name first', async () => {
    const person = await newPerson({ phoneNumber: '5511970000006', name: null });
    const cursor = await feedEnd(h);
    await inbound(h, { phone: '5511970000006', name: 'Agora Com Nome' });
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'contact.updated' && e.payload.person.id === person.id);
    const rest = await getPerson(person.id);
    assert.equal(rest.name, 'Agora Com Nome');
    assertSameJson(checked(event!), { person: rest, actor: { type: 'channel', id: h.ws.channelId } });
  });

  test('contact.deleted → the person as it was, updatedAt the deletion time', async () => {
    const person = await newPerson({ phoneNumber: '5511970000007' });
    const before = await getPerson(person.id);
    const cursor = await feedEnd(h);
    assert.equal((await call(h, 'DELETE', `/api/v1/people/${person.id}`)).status, 204);
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'contact.deleted' && e.payload.person.id === person.id);
    const payload = checked(event!);
    assert.ok(payload.person.updatedAt >= before.updatedAt);
    assertSameJson(payload, { person: { ...before, updatedAt: payload.person.updatedAt }, actor });
  });
});

describe('support_session.* → { session, conversation, actor }', () => {
  /** The native session against Jelou's GET of the same session (`_id`, `roomId`, `User`, `Bot`). */
  async function assertSessionMatches(session: any) {
    const j = await jelouSession(session.id);
    assert.equal(session.conversationId, j.roomId);
    assert.equal(session.state, j.state);
    assert.equal(session.startAt, j.startAt);
    assert.equal(session.endAt, j.endAt ?? null);
    assert.equal(session.endedReason, j.endedReason ?? null);
    assert.equal(session.personId, j.User.id);
    assert.equal(session.botId, j.Bot.id);
  }

  test('support_session.started → the session as opened and the conversation as GET shows it', async () => {
    const { conversationId, personId } = await inbound(h);
    const cursor = await feedEnd(h);
    const s = await startSession(h, { userId: personId, metadata: { ticketId: 'T-1' }, assignment: { type: 'queue', target: 'SUPPORT' } });
    const payload = checked(await feedEvent(h, cursor, 'support_session.started', conversationId));
    assert.deepEqual(Object.keys(payload), ['session', 'conversation', 'actor']);
    assertSameJson(payload.session, {
      id: s._id,
      conversationId,
      botId: h.ws.botId,
      personId,
      state: 'active',
      startAt: s.startAt,
      endAt: null,
      endedReason: null,
      initialMessage: null,
      metadata: { ticketId: 'T-1' },
      assignment: { type: 'queue', target: 'SUPPORT' },
      redirectPayload: null,
    });
    await assertSessionMatches(payload.session);
    assertSameJson(payload.conversation, await getConversation(conversationId));
    assert.deepEqual(payload.actor, actor);
  });

  test('support_session.closed → the closed session and the conversation', async () => {
    const { conversationId, personId } = await inbound(h);
    const s = await startSession(h, { userId: personId });
    const cursor = await feedEnd(h);
    const closed = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, {
      body: { botId: h.ws.botId, userId: personId, redirectPayload: { type: 'edge' } },
    });
    assert.equal(closed.status, 200, closed.body);
    const payload = checked(await feedEvent(h, cursor, 'support_session.closed', conversationId));
    assert.equal(payload.session.id, s._id);
    assert.equal(payload.session.state, 'closed');
    assert.equal(payload.session.endedReason, 'closed_by_operator');
    assert.deepEqual(payload.session.redirectPayload, { type: 'edge' });
    await assertSessionMatches(payload.session);
    assertSameJson(payload.conversation, await getConversation(conversationId));
    assert.equal(payload.conversation.status, 'ROBOT_INTERACTIVE');
  });
});

describe('webhook.test and stored rows', () => {
  test('webhook.test → { subscriptionId, actor }', async () => {
    const w = (await juri(h, 'POST', '/webhooks', { body: { name: 'feed', url: 'https://crm.example.com/hook', events: ['contact.created'] } })).json;
    const cursor = await feedEnd(h);
    assert.equal((await juri(h, 'POST', `/webhooks/${w.id}/test`)).status, 200);
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'webhook.test');
    assertSameJson(checked(event!), { subscriptionId: w.id, actor });
    assert.equal(event!.conversationId, null);
  });

  test('an event stored by an earlier version (epoch times, workspaceId, snapshot extras) is presented in the REST shapes', async () => {
    const { conversationId, messageId } = await inbound(h, { text: 'guardado' });
    const row = await h.store.db
      .selectFrom('events')
      .select(['payload'])
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('conversation_id', '=', conversationId)
      .where('type', '=', 'message.created')
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(row.payload);
    assert.equal(typeof stored.message.messageAt, 'number', 'the outbox stores its internal snapshot');
    assert.equal(stored.conversation.workspaceId, h.ws.workspaceId);
    // The payload exactly as this version's writer and every earlier one stored it.
    const cursor = await feedEnd(h);
    await h.store.db
      .insertInto('events')
      .values({
        workspace_id: h.ws.workspaceId,
        id: newId(),
        type: 'message.created',
        conversation_id: conversationId,
        payload: row.payload,
        created_at: Date.now(),
      })
      .execute();
    const payload = checked(await feedEvent(h, cursor, 'message.created', conversationId));
    assertSameJson(payload, {
      message: await getMessage(conversationId, messageId),
      conversation: await getConversation(conversationId),
      actor: { type: 'channel', id: h.ws.channelId },
    });
  });

  test('a type this version does not describe shows an empty payload, never the stored one', async () => {
    const cursor = await feedEnd(h);
    await h.store.db
      .insertInto('events')
      .values({
        workspace_id: h.ws.workspaceId,
        id: newId(),
        type: 'test.unknown',
        conversation_id: null,
        payload: JSON.stringify({ workspaceId: h.ws.workspaceId, at: Date.now() }),
        created_at: Date.now(),
      })
      .execute();
    const [event] = await feedAfter(h, cursor, (e) => e.type === 'test.unknown');
    assert.deepEqual(event!.payload, {});
  });
});
