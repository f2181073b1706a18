import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { insertTag } from '../helpers/resources.ts';
import { juri } from '../helpers/jurichat.ts';
import { startReceiver, testDispatcher, deliveryReader } from '../helpers/receiver.ts';
import { assertSameJson } from '../helpers/feed.ts';
import { newId } from '../../src/domain/ids.ts';

// Each JuriChat webhook body against the REST answers it mirrors: the spec's flat conversation
// data, the message exactly as GET /conversation/{id} lists it, the person as GET /people/{id}.

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dispatcher: ReturnType<typeof testDispatcher>;
let webhookId: string;
const clock = { now: Date.now() };
let read: () => Promise<any[]>;

before(async () => {
  h = await startHarness();
  receiver = await startReceiver();
  dispatcher = testDispatcher(h, clock);
  const events = (await juri(h, 'GET', '/webhooks/events')).json.filter((e: string) => e !== 'webhook.test');
  webhookId = (await juri(h, 'POST', '/webhooks', { body: { name: 'shapes', url: receiver.url, events } })).json.id;
  read = deliveryReader(receiver, dispatcher, clock);
});
after(async () => {
  await receiver.close();
  await h.close();
});

/** The bodies delivered since the last call, each checked for the envelope every event shares. */
async function delivered(): Promise<any[]> {
  const bodies = await read();
  for (const b of bodies) {
    assert.deepEqual(Object.keys(b), ['event', 'timestamp', 'data']);
    assert.match(b.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(b.data.inboxId, b.event === 'webhook.test' ? null : h.ws.inboxId, 'every data carries inboxId');
  }
  return bodies;
}
const only = (bodies: any[], event: string) => {
  const found = bodies.filter((b) => b.event === event);
  assert.equal(found.length, 1, `one ${event} among ${bodies.map((b) => b.event).join(', ')}`);
  return found[0].data;
};

async function restConversation(id: string) {
  const res = await juri(h, 'GET', `/conversation/${id}`, { query: { limit: '100' } });
  assert.equal(res.status, 200, res.body);
  return res.json.data;
}
async function restMessage(conversationId: string, messageId: string) {
  const found = (await restConversation(conversationId)).messages.find((m: { id: string }) => m.id === messageId);
  assert.ok(found, `message ${messageId} is in GET /conversation/{id}`);
  return found;
}
async function restPerson(id: string) {
  const res = await juri(h, 'GET', `/people/${id}`, { query: { inboxId: h.ws.inboxId } });
  assert.equal(res.status, 200, res.body);
  return res.json;
}

/** The spec's conversation data, field for field from GET /conversation/{id} and the inbox's name. */
async function conversationData(id: string, previousStatus: string | null) {
  const c = await restConversation(id);
  const inbox = (await call(h, 'GET', `/api/v1/inboxes/${c.inboxId}`)).json;
  return {
    conversationId: c.id,
    status: c.status,
    previousStatus,
    inboxId: c.inboxId,
    inboxName: inbox.name,
    personId: c.person?.id ?? null,
    personName: c.person?.name ?? null,
    personPhone: c.person?.phoneNumber ?? null,
    userId: c.user?.id ?? null,
    priority: c.priority,
  };
}

describe('chat.conversation.* → the spec’s flat data, its values as GET /conversation/{id} shows them', () => {
  test('chat.conversation.created', async () => {
    const person = (await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, name: 'Rosa', phoneNumber: '5511960000001' } })).json;
    await delivered();
    const created = await juri(h, 'POST', '/conversation', { body: { personId: person.id, inboxId: h.ws.inboxId, integrationId: h.ws.channelId } });
    const data = only(await delivered(), 'chat.conversation.created');
    assertSameJson(data, await conversationData(created.json.conversation.id, null));
  });

  test('chat.conversation.updated (attributes)', async () => {
    const { conversationId } = await inbound(h);
    await delivered();
    await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { priority: 'HIGH', isFixed: true } });
    const data = only(await delivered(), 'chat.conversation.updated');
    assertSameJson(data, await conversationData(conversationId, 'ROBOT_INTERACTIVE'));
    assert.equal(data.priority, 'HIGH');
  });

  test('chat.conversation.updated (status) and chat.conversation.assigned', async () => {
    const { conversationId } = await inbound(h);
    await delivered();
    const agent = await makeUser(h);
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
    const bodies = await delivered();
    const expected = await conversationData(conversationId, 'ROBOT_INTERACTIVE');
    assert.equal(expected.userId, agent);
    assert.equal(expected.status, 'ACTIVE');
    assertSameJson(only(bodies, 'chat.conversation.updated'), expected);
    assertSameJson(only(bodies, 'chat.conversation.assigned'), expected);
  });
});

describe('chat.message.* → { conversationId, inboxId, message } with the message exactly as GET /conversation/{id} lists it', () => {
  test('chat.message.created: an inbound message', async () => {
    await delivered();
    const { conversationId, messageId } = await inbound(h, { text: 'oi' });
    const data = only(await delivered(), 'chat.message.created');
    assertSameJson(data, { conversationId, inboxId: h.ws.inboxId, message: await restMessage(conversationId, messageId) });
  });

  test('chat.message.created: an agent quoting; the send-message answer is the same object', async () => {
    const { conversationId, messageId: quoted } = await inbound(h, { text: 'a pergunta' });
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: await makeUser(h) } });
    await delivered();
    const sent = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'a resposta', quotedMessageId: quoted } });
    assert.equal(sent.status, 200, sent.body);
    const data = only(await delivered(), 'chat.message.created');
    const message = await restMessage(conversationId, sent.json.id);
    assert.equal(message.quotedMessage.id, quoted);
    assert.notEqual(message.participantId, null, "an agent's message names its participant");
    assertSameJson(data, { conversationId, inboxId: h.ws.inboxId, message });
    assertSameJson(sent.json, message);
  });

  test('chat.message.created: a group member’s message', async () => {
    await delivered();
    const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: {
        from: { phone: '5511960000002', name: 'Membro' },
        group: { externalId: `${newId()}@g.us`, name: 'Família' },
        message: { type: 'text', text: 'oi grupo' },
      },
    });
    assert.equal(res.status, 200, res.body);
    const { conversationId, messageId } = res.json;
    const data = only(await delivered(), 'chat.message.created');
    const message = await restMessage(conversationId, messageId);
    assert.notEqual(message.participantId, null);
    assertSameJson(data, { conversationId, inboxId: h.ws.inboxId, message });
  });

  test('chat.message.updated: a receipt on a message that quotes another', async () => {
    const { conversationId, messageId: quoted } = await inbound(h, { text: 'a pergunta' });
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: await makeUser(h) } });
    const sent = (await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'a resposta', quotedMessageId: quoted } })).json;
    await delivered();
    await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: sent.externalId, status: 'read' } });
    const data = only(await delivered(), 'chat.message.updated');
    const message = await restMessage(conversationId, sent.id);
    assert.equal(message.externalStatus, 'read');
    assert.equal(message.quotedMessage.id, quoted);
    assertSameJson(data, { conversationId, inboxId: h.ws.inboxId, message });
  });
});

describe('contact.* → the person exactly as GET /people/{id} answers it', () => {
  test('contact.created, with tags', async () => {
    const tags = [await insertTag(h, h.ws.inboxId, `t1-${newId()}`), await insertTag(h, h.ws.inboxId, `t2-${newId()}`)];
    await delivered();
    const res = await call(h, 'POST', '/api/v1/people', { body: { inboxId: h.ws.inboxId, name: 'Clara', phoneNumber: '5511960000003', tagIds: tags } });
    assert.equal(res.status, 201, res.body);
    const person = await restPerson(res.json.id);
    assert.equal(person.tags.length, 2);
    assertSameJson(only(await delivered(), 'contact.created'), person);
  });

  test('contact.created by a first inbound message', async () => {
    await delivered();
    const { personId } = await inbound(h, { phone: '5511960000004', name: 'Primeira Vez' });
    assertSameJson(only(await delivered(), 'contact.created'), await restPerson(personId));
  });

  test('contact.updated', async () => {
    const { personId } = await inbound(h, { phone: '5511960000005' });
    const tag = await insertTag(h, h.ws.inboxId, `t3-${newId()}`);
    await delivered();
    const res = await juri(h, 'PATCH', `/people/${personId}`, { body: { inboxId: h.ws.inboxId, city: 'Natal', email: 'x@example.com', tags: [tag] } });
    assert.equal(res.status, 200, res.body);
    assertSameJson(only(await delivered(), 'contact.updated'), await restPerson(personId));
  });

  test('contact.deleted: the person as it was, updatedAt the deletion time', async () => {
    const { personId } = await inbound(h, { phone: '5511960000006' });
    const before = await restPerson(personId);
    await delivered();
    assert.equal((await call(h, 'DELETE', `/api/v1/people/${personId}`)).status, 204);
    const data = only(await delivered(), 'contact.deleted');
    assert.ok(data.updatedAt >= before.updatedAt);
    assertSameJson(data, { ...before, updatedAt: data.updatedAt });
  });
});

describe('webhook.test', () => {
  test('{ inboxId: null, webhookId, message }: no REST object to mirror', async () => {
    await delivered();
    assert.equal((await juri(h, 'POST', `/webhooks/${webhookId}/test`)).status, 200);
    assertSameJson(only(await delivered(), 'webhook.test'), { inboxId: null, webhookId, message: 'Conversas webhook test' });
  });
});
