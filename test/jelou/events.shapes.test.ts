import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { startReceiver, testDispatcher, deliveryReader } from '../helpers/receiver.ts';
import { base, createIntegration, jelou, startSession } from '../helpers/jelou.ts';

// Jelou's events follow the spec's own snake_case bodies with epoch-millisecond timestamps
// (jelou-api.md "Events to the panel"); what they name must be what the REST API answers.

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let dispatcher: ReturnType<typeof testDispatcher>;
const clock = { now: Date.now() };
let delivered: () => Promise<any[]>;

before(async () => {
  h = await startHarness();
  receiver = await startReceiver();
  dispatcher = testDispatcher(h, clock);
  await createIntegration(h, receiver.url);
  delivered = deliveryReader(receiver, dispatcher, clock);
});
after(async () => {
  await receiver.close();
  await h.close();
});

/** GET {base}/conversations/{id}: the session the event names. */
async function restSession(id: string) {
  const res = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/${id}`);
  assert.equal(res.status, 200, res.body);
  return res.json.data;
}

/** `room_id`, `conversation`, `contact` and `bot` as the session's GET names them. */
async function assertNamesTheSession(body: any, at: string) {
  const s = await restSession(body.conversation.id);
  assert.deepEqual(body.conversation, { id: s._id });
  assert.equal(body.project_id, h.ws.workspaceId);
  assert.equal(body.room_id, s.roomId);
  assert.deepEqual(body.contact, { id: s.User.id, name: s.User.names });
  assert.deepEqual(body.bot, { id: s.Bot.id, name: s.Bot.name });
  assert.equal(typeof body.timestamp, 'number', 'epoch milliseconds, as the spec prescribes for webhooks');
  assert.ok(Math.abs(body.timestamp - Date.parse(at)) < 5_000, 'the time of the change');
  return s;
}

describe('events to the panel name what the REST API answers', () => {
  test('conversation.start', async () => {
    const { personId } = await inbound(h, { phone: '5511950000101', name: 'Joana' });
    await delivered();
    const s = await startSession(h, { userId: personId, metadata: { ticketId: 'T-9' }, assignment: { type: 'queue', target: 'SUPPORT' } });
    const [body] = await delivered();
    assert.equal(body.event, 'conversation.start');
    const rest = await assertNamesTheSession(body, s.startAt);
    assert.equal(rest.state, 'active');
    assert.deepEqual([body.initial_message, body.metadata, body.assignment], [null, { ticketId: 'T-9' }, { type: 'queue', target: 'SUPPORT' }]);
  });

  test('message: value.id is the message GET /api/v1/conversations/{id}/messages lists, in the active session', async () => {
    const { personId } = await inbound(h, { phone: '5511950000102', name: 'Lia' });
    const s = await startSession(h, { userId: personId });
    await delivered();
    const { conversationId, messageId } = await inbound(h, { phone: '5511950000102', text: 'ajuda' });
    const [body] = await delivered();
    assert.equal(body.event_type, 'message');
    const message = (await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`)).json.data.find((m: { id: string }) => m.id === messageId);
    const rest = await assertNamesTheSession(body, message.messageAt);
    assert.equal(rest._id, s._id);
    assert.equal(rest.state, 'active');
    assert.deepEqual(body.value, { id: message.id, type: message.type, content: { body: message.content } });
  });

  test('conversation.close', async () => {
    const { personId } = await inbound(h, { phone: '5511950000103', name: 'Bruna' });
    await startSession(h, { userId: personId });
    await delivered();
    const closed = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, {
      body: { botId: h.ws.botId, userId: personId, redirectPayload: { type: 'edge' } },
    });
    assert.equal(closed.status, 200, closed.body);
    const [body] = await delivered();
    assert.equal(body.event, 'conversation.close');
    const rest = await assertNamesTheSession(body, closed.json.data.endAt);
    assert.equal(rest.state, 'closed');
    assert.equal(body.ended_reason, rest.endedReason);
    assert.deepEqual(body.redirect_payload, { type: 'edge' });
  });
});
