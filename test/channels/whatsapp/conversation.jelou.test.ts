import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../../helpers/harness.ts';
import { base, createIntegration, jelou, panelReply, replyBody, startSession } from '../../helpers/jelou.ts';
import { deliveryReader, startReceiver, testDispatcher } from '../../helpers/receiver.ts';
import { conversationsOf, deliver, nowSec, wamid } from './wa-helpers.ts';
import { inboundText, statusUpdate } from './meta-payloads.ts';
import { messageNow, startWhatsApp, type WhatsAppSetup, signedChannel, metaBody } from './outbox-setup.ts';

/**
 * A Jelou panel runs a whole conversation over a WhatsApp channel (whatsapp-channel.md §5): the
 * person writes through Meta, the session is handed to the panel, the panel's signed replies
 * leave through the outbox to Meta, Meta's ticks come back, and the panel closes.
 */

let s: WhatsAppSetup;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  s = await startWhatsApp();
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
  await s?.close();
});

const PHONE = '5511976543210';
const channel = () => signedChannel(s);
const meta = metaBody;

test('a Jelou panel runs a whole conversation over a WhatsApp channel', async () => {
  const { h, fake } = s;
  const secret = (await createIntegration(h, receiver.url)).signingSecret;
  const clock = { now: Date.now() };
  const panelGot = deliveryReader(receiver, testDispatcher(h, clock), clock);
  // The project's bot on the WhatsApp number (a conversation keeps the bot of its channel when created).
  const bot = await call(h, 'POST', '/api/v1/bots', { body: { name: 'Bot WhatsApp', channelId: s.channelId } });
  assert.equal(bot.status, 201, bot.body);
  const botId: string = bot.json.id;

  // The person writes; the bot has it, the panel hears nothing yet.
  await deliver(
    h,
    channel(),
    meta(inboundText({ from: PHONE, id: wamid('in'), name: 'João Lima', timestamp: nowSec(), body: 'Quero falar com um atendente' })),
  );
  const [conversation] = await conversationsOf(h, s.channelId);
  assert.ok(conversation, 'the conversation is on the WhatsApp channel');
  const personId: string = conversation.personId;
  assert.deepEqual(await panelGot(), []);

  // The conversation is handed to the panel.
  assert.equal(conversation.botId, botId);
  const session = await startSession(h, {
    botId,
    userId: personId,
    initialMessage: 'Um atendente já vai falar com você',
    assignment: { type: 'queue', target: 'SUPPORT' },
  });
  assert.equal(session.roomId, conversation.id);
  assert.equal(session.state, 'active');
  assert.equal(await s.outbox().runOnce(), 1, "the bot's initial message leaves through WhatsApp");
  assert.deepEqual(fake.sent()[0].text, { body: 'Um atendente já vai falar com você', preview_url: false });
  assert.equal(fake.sent()[0].to, `+${PHONE}`);

  // The person's next message reaches the panel as a signed `message` event.
  const during = wamid('in');
  await deliver(h, channel(), meta(inboundText({ from: PHONE, id: during, name: 'João Lima', timestamp: nowSec(), body: 'Meu pedido não chegou' })));
  const events = await panelGot();
  assert.deepEqual(
    events.map((e) => e.event ?? e.event_type),
    ['conversation.start', 'message'],
  );
  assert.equal(events[1].room_id, conversation.id);
  assert.deepEqual(events[1].value.content, { body: 'Meu pedido não chegou' });

  // The panel's signed reply: stored at once, pending, sent by the outbox to the person's number.
  const room = { projectId: h.ws.workspaceId, roomId: conversation.id, botId, userId: personId };
  const reply = await panelReply(h, replyBody(room, 'panel-msg-1', { type: 'text', content: { body: 'Vou verificar seu pedido' } }), secret);
  assert.equal(reply.status, 200, reply.body);
  const messageId: string = reply.json.data.id;
  assert.equal((await messageNow(s, conversation.id, messageId)).externalStatus, 'pending');
  const again = await panelReply(h, replyBody(room, 'panel-msg-1', { type: 'text', content: { body: 'Vou verificar seu pedido' } }), secret);
  assert.equal(again.json.data.id, messageId, 'a repeated value.id is one message');
  assert.equal(await s.outbox().runOnce(), 1);
  assert.equal(await s.outbox().runOnce(), 0);
  const sent = fake.sent().filter((b) => b.biz_opaque_callback_data === messageId);
  assert.equal(sent.length, 1, 'sent once');
  assert.equal(sent[0].to, `+${PHONE}`);
  assert.deepEqual(sent[0].text, { body: 'Vou verificar seu pedido', preview_url: false });
  let now = await messageNow(s, conversation.id, messageId);
  assert.equal(now.externalStatus, 'sent');
  const replyWamid: string = now.externalId;

  // Meta's statuses, out of order: read first, then a late delivered and sent change nothing.
  await deliver(h, channel(), meta(statusUpdate({ id: replyWamid, status: 'read', recipientId: PHONE, timestamp: nowSec() })));
  await deliver(
    h,
    channel(),
    meta([statusUpdate({ id: replyWamid, status: 'delivered', recipientId: PHONE }), statusUpdate({ id: replyWamid, status: 'sent', recipientId: PHONE })]),
  );
  now = await messageNow(s, conversation.id, messageId);
  assert.equal(now.externalStatus, 'read');
  assert.equal(now.externalId, replyWamid);

  // The panel closes with a text: the bot's goodbye also leaves through WhatsApp.
  const closed = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, {
    body: { botId, userId: personId, redirectPayload: { type: 'text', text: 'Obrigado pelo contato!' } },
  });
  assert.equal(closed.status, 200, closed.body);
  assert.equal(closed.json.data.state, 'closed');
  assert.equal(closed.json.data.endedReason, 'closed_by_operator');
  assert.equal(await s.outbox().runOnce(), 1);
  assert.deepEqual(fake.sent().at(-1).text, { body: 'Obrigado pelo contato!', preview_url: false });
  assert.equal(fake.sent().length, 3);
  const after = (await panelGot()).map((e) => e.event ?? e.event_type);
  assert.deepEqual(after, ['conversation.close']);
  const got = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/${session._id}`);
  assert.equal(got.json.data.state, 'closed');
  const native = await call(h, 'GET', `/api/v1/conversations/${conversation.id}`);
  assert.equal(native.json.status, 'ROBOT_INTERACTIVE');

  // A reply after the close is refused and nothing more goes to Meta.
  const late = await panelReply(h, replyBody(room, 'panel-msg-2'), secret);
  assert.equal(late.status, 409, late.body);
  assert.equal(await s.outbox().runOnce(Date.now() + 3_600_000), 0);
  assert.equal(fake.sent().length, 3);
});
