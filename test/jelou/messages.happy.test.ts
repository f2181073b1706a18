import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startHarness, inbound, call, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { startReceiver, testDispatcher, drain, type Received } from '../helpers/receiver.ts';
import { base, createIntegration, jelou, panelReply, replyBody, sign, startSession } from '../helpers/jelou.ts';

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
const clock = { now: Date.now() };
let dispatcher: ReturnType<typeof testDispatcher>;
let seen = 0;

before(async () => {
  h = await startHarness();
  receiver = await startReceiver([500]);
  dispatcher = testDispatcher(h, clock);
  secret = (await createIntegration(h, receiver.url, { authType: 'bearer', authorization: 'panel-token' })).signingSecret;
});
after(async () => {
  await receiver.close();
  await h?.close();
});

/** Sends everything due now and returns what the receiver got since the last call. */
async function deliveries(): Promise<Received[]> {
  clock.now = Math.max(clock.now, Date.now());
  await drain(dispatcher);
  const fresh = receiver.received.slice(seen);
  seen = receiver.received.length;
  return fresh;
}

function verifySignatures(r: Received) {
  assert.equal(
    r.headers['x-jelou-signature'],
    sign(secret, r.body),
    'X-Jelou-Signature: HMAC-SHA256 over the exact bytes, keyed with the signingSecret as UTF-8',
  );
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.text}`;
  assert.equal(
    r.headers['webhook-signature'],
    `v1,${createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest('base64')}`,
    "Standard Webhooks signature keyed with the secret's UTF-8 bytes",
  );
  assert.match(String(r.headers['content-type']), /application\/json/);
}

const sandbox = (phone: string, message: Record<string, unknown>, name = 'Paula') =>
  call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, { body: { from: { phone, name }, message } });

describe('events to the panel', () => {
  test("conversation.start, then the end user's message, signed with the bearer header; a failed attempt is retried with identical bytes and id", async () => {
    const first = await inbound(h, { phone: '5511890000001', name: 'Paula Pessoa', text: 'antes do atendimento' });
    assert.deepEqual(await deliveries(), [], 'no session yet: the bot is handling it, the panel hears nothing');

    const s = await startSession(h, {
      userId: first.personId,
      initialMessage: 'Olá, sou a Ana',
      metadata: { ticketId: 'T-12345' },
      assignment: { type: 'queue', target: 'SUPPORT' },
    });
    const during = await inbound(h, { phone: '5511890000001', text: 'preciso de ajuda' });

    const firstRound = await deliveries();
    assert.equal(firstRound.length, 1, 'the failed conversation.start holds back the message');
    clock.now += 6_000;
    const secondRound = await deliveries();
    assert.equal(secondRound.length, 2);
    const [failed, startEvent, messageEvent] = [...firstRound, ...secondRound];
    assert.equal(failed.headers['webhook-id'], startEvent.headers['webhook-id'], 'the same delivery id on every retry');
    assert.ok(failed.body.equals(startEvent.body), 'the same bytes on every retry');
    assert.notEqual(startEvent.headers['webhook-id'], messageEvent.headers['webhook-id']);
    for (const r of [failed, startEvent, messageEvent]) {
      verifySignatures(r);
      assert.equal(r.headers.authorization, 'Bearer panel-token');
      assert.equal(r.headers['x-api-key'], undefined);
    }

    const start = startEvent.json;
    assert.deepEqual(Object.keys(start), [
      'event',
      'timestamp',
      'project_id',
      'room_id',
      'conversation',
      'contact',
      'bot',
      'initial_message',
      'metadata',
      'assignment',
    ]);
    assert.equal(start.event, 'conversation.start');
    assert.equal(typeof start.timestamp, 'number');
    assert.ok(Math.abs(start.timestamp - Date.parse(s.startAt)) < 5_000, 'epoch milliseconds');
    assert.equal(start.project_id, h.ws.workspaceId);
    assert.equal(start.room_id, first.conversationId);
    assert.deepEqual(start.conversation, { id: s._id });
    assert.deepEqual(start.contact, { id: first.personId, name: 'Paula Pessoa' });
    assert.deepEqual(start.bot, { id: h.ws.botId, name: 'Bot' });
    assert.equal(start.initial_message, 'Olá, sou a Ana');
    assert.deepEqual(start.metadata, { ticketId: 'T-12345' });
    assert.deepEqual(start.assignment, { type: 'queue', target: 'SUPPORT' }, 'as given');

    const m = messageEvent.json;
    assert.deepEqual(Object.keys(m), ['field', 'object', 'event_type', 'timestamp', 'project_id', 'room_id', 'contact', 'conversation', 'bot', 'value']);
    assert.equal(m.field, 'messages');
    assert.equal(m.object, 'message_event');
    assert.equal(m.event_type, 'message');
    assert.equal(typeof m.timestamp, 'number');
    assert.equal(m.project_id, h.ws.workspaceId);
    assert.equal(m.room_id, first.conversationId);
    assert.deepEqual(m.contact, { id: first.personId, name: 'Paula Pessoa' });
    assert.deepEqual(m.conversation, { id: s._id }, 'conversation.id is the session, usable with GET conversation');
    assert.deepEqual(m.bot, { id: h.ws.botId, name: 'Bot' });
    assert.deepEqual(m.value, { id: during.messageId, type: 'text', content: { body: 'preciso de ajuda' } });

    const closed = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, {
      body: { botId: h.ws.botId, userId: first.personId, redirectPayload: { type: 'text', text: 'Até logo' } },
    });
    assert.equal(closed.status, 200, closed.body);
    await inbound(h, { phone: '5511890000001', text: 'depois do atendimento' });
    const afterClose = await deliveries();
    assert.equal(afterClose.length, 1, "only conversation.close: bot messages and messages after the close are not the panel's");
    verifySignatures(afterClose[0]);
    const close = afterClose[0].json;
    assert.deepEqual(Object.keys(close), ['event', 'timestamp', 'project_id', 'room_id', 'conversation', 'contact', 'bot', 'ended_reason', 'redirect_payload']);
    assert.equal(close.event, 'conversation.close');
    assert.equal(typeof close.timestamp, 'number');
    assert.equal(close.project_id, h.ws.workspaceId);
    assert.equal(close.room_id, first.conversationId);
    assert.deepEqual(close.conversation, { id: s._id });
    assert.deepEqual(close.contact, { id: first.personId, name: 'Paula Pessoa' });
    assert.deepEqual(close.bot, { id: h.ws.botId, name: 'Bot' });
    assert.equal(close.ended_reason, 'closed_by_operator');
    assert.deepEqual(close.redirect_payload, { type: 'text', text: 'Até logo' });
  });

  test('media messages: image and video with caption, audio, document with filename; a sticker as an image, a location as text', async () => {
    const phone = '5511890000002';
    const first = await inbound(h, { phone, name: 'Mídia' });
    const s = await startSession(h, { userId: first.personId });
    const sent = [
      await sandbox(phone, { type: 'image', mediaUrl: 'https://cdn.example.com/a.jpg', mimeType: 'image/jpeg', caption: 'olha' }),
      await sandbox(phone, { type: 'video', mediaUrl: 'https://cdn.example.com/v.mp4', mimeType: 'video/mp4' }),
      await sandbox(phone, { type: 'audio', mediaUrl: 'https://cdn.example.com/a.mp3', mimeType: 'audio/mpeg' }),
      await sandbox(phone, { type: 'document', mediaUrl: 'https://cdn.example.com/c.pdf', mimeType: 'application/pdf', fileName: 'contrato.pdf' }),
      await sandbox(phone, { type: 'sticker', mediaUrl: 'https://cdn.example.com/s.webp', mimeType: 'image/webp' }),
      await sandbox(phone, { type: 'location', text: '-23.55,-46.63' }),
    ];
    for (const r of sent) assert.equal(r.status, 200, r.body);
    const got = (await deliveries()).map((r) => r.json);
    assert.equal(got[0].event, 'conversation.start');
    const values = got.slice(1).map((e) => e.value);
    assert.ok(got.slice(1).every((e) => e.event_type === 'message' && e.conversation.id === s._id));
    const ids = sent.map((r) => r.json.messageId);
    assert.deepEqual(values, [
      { id: ids[0], type: 'image', content: { url: 'https://cdn.example.com/a.jpg', mime_type: 'image/jpeg' }, caption: 'olha' },
      { id: ids[1], type: 'video', content: { url: 'https://cdn.example.com/v.mp4', mime_type: 'video/mp4' }, caption: null },
      { id: ids[2], type: 'audio', content: { url: 'https://cdn.example.com/a.mp3', mime_type: 'audio/mpeg' } },
      { id: ids[3], type: 'document', content: { url: 'https://cdn.example.com/c.pdf', mime_type: 'application/pdf' }, filename: 'contrato.pdf' },
      { id: ids[4], type: 'image', content: { url: 'https://cdn.example.com/s.webp', mime_type: 'image/webp' }, caption: null },
      { id: ids[5], type: 'text', content: { body: '-23.55,-46.63' } },
    ]);
    await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, { body: { botId: h.ws.botId, userId: first.personId } });
    await deliveries();
  });

  test('authType api_key, basic and no_auth send their header (or none)', async () => {
    const cases: [Record<string, unknown>, (r: Received) => void][] = [
      [
        { authType: 'api_key', authorization: 'k-123' },
        (r) => {
          assert.equal(r.headers['x-api-key'], 'k-123');
          assert.equal(r.headers.authorization, undefined);
        },
      ],
      [
        { authType: 'basic', authorization: 'panel:s3cret' },
        (r) => {
          assert.equal(r.headers.authorization, `Basic ${Buffer.from('panel:s3cret').toString('base64')}`);
        },
      ],
      [
        { authType: 'no_auth' },
        (r) => {
          assert.equal(r.headers.authorization, undefined);
          assert.equal(r.headers['x-api-key'], undefined);
        },
      ],
    ];
    let n = 10;
    for (const [patch, check] of cases) {
      const res = await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: patch });
      assert.equal(res.status, 200, res.body);
      const p = await inbound(h, { phone: `55118900000${n++}` });
      await startSession(h, { userId: p.personId });
      const [start] = await deliveries();
      assert.equal(start.json.event, 'conversation.start');
      verifySignatures(start);
      check(start);
    }
  });

  test("JuriChat's human support is the panel's too: start-human-support and end-human-support emit conversation.start / .close", async () => {
    const agent = await makeUser(h);
    const p = await inbound(h, { phone: '5511890000020', name: 'Via JuriChat' });
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId: p.conversationId, selectedUserId: agent } });
    await juri(h, 'POST', '/conversation/end-human-support', { body: { conversationId: p.conversationId } });
    const [start, close] = (await deliveries()).map((r) => r.json);
    assert.equal(start.event, 'conversation.start');
    assert.equal(start.initial_message, null);
    assert.equal(start.metadata, null);
    assert.equal(start.assignment, null);
    assert.equal(close.event, 'conversation.close');
    assert.equal(close.ended_reason, 'closed_by_operator');
    assert.equal(close.redirect_payload, null);
    assert.equal(close.conversation.id, start.conversation.id);
  });
});

describe("the panel's replies", () => {
  let room: { projectId: string; roomId: string; botId: string; userId: string };
  before(async () => {
    const p = await inbound(h, { phone: '5511890000030', name: 'Respondida' });
    await startSession(h, { userId: p.personId, assignment: { type: 'queue', target: 'SUPPORT' } });
    room = { projectId: h.ws.workspaceId, roomId: p.conversationId, botId: h.ws.botId, userId: p.personId };
    await deliveries();
  });

  const rows = () =>
    h.store.db
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('conversation_id', '=', room.roomId)
      .where('direction', '=', 'OUTBOUND')
      .orderBy('id')
      .execute();

  test('a signed text reply is stored as OUTBOUND with clientMessageId = value.id, sent, and visible in the JuriChat view', async () => {
    const res = await panelReply(h, replyBody(room, 'panel-msg-1', { type: 'text', content: { body: 'Olá! Como posso ajudar?' } }), secret);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json), ['message', 'statusMessage', 'status', 'data']);
    assert.deepEqual(res.json.message, ['Message received']);
    assert.equal(res.json.statusMessage, 'success');
    assert.equal(res.json.status, 1);
    assert.deepEqual(Object.keys(res.json.data), ['id']);
    const stored = (await rows()).find((m) => m.id === res.json.data.id)!;
    assert.equal(stored.direction, 'OUTBOUND');
    assert.equal(stored.type, 'text');
    assert.equal(stored.content, 'Olá! Como posso ajudar?');
    assert.equal(stored.client_message_id, 'panel-msg-1');
    assert.equal(stored.external_status, 'sent', 'handed to the channel');
    const view = await juri(h, 'GET', `/conversation/${room.roomId}`);
    const shown = view.json.data.messages.find((m: { id: string }) => m.id === res.json.data.id);
    assert.equal(shown.content, 'Olá! Como posso ajudar?');
    assert.equal(shown.direction, 'OUTBOUND');
    assert.equal(view.json.data.status, 'WAITING');
    assert.deepEqual(await deliveries(), [], 'the panel is not told about its own message');
  });

  test('a repeated value.id is accepted once and answered 200 again with the same id', async () => {
    const body = replyBody(room, 'panel-msg-dup');
    const first = await panelReply(h, body, secret);
    const again = await panelReply(h, body, secret);
    const viaOtherPath = await panelReply(h, body, secret, { path: '/platform/v1/external-support/webhook' });
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(again.json, first.json);
    assert.deepEqual(viaOtherPath.json, first.json);
    assert.equal((await rows()).filter((m) => m.client_message_id === 'panel-msg-dup').length, 1);
  });

  test('all three paths; user_id may be the referenceId', async () => {
    await h.store.db.updateTable('people').set({ reference_id: 'CRM-REPLY' }).where('id', '=', room.userId).execute();
    for (const [i, path] of ['/v1/external-support/webhook', '/jelouapi/v1/external-support/webhook', '/platform/v1/external-support/webhook'].entries()) {
      const res = await panelReply(h, replyBody({ ...room, userId: i === 2 ? 'CRM-REPLY' : room.userId }, `path-${i}`), secret, { path });
      assert.equal(res.status, 200, `${path}: ${res.body}`);
    }
  });

  test('media replies: image and video with caption, audio, document with filename', async () => {
    const media = [
      { type: 'image', content: { url: 'https://files.example.com/p.png', mime_type: 'image/png' }, caption: 'segue a imagem' },
      { type: 'video', content: { url: 'https://files.example.com/v.mp4', mime_type: 'video/mp4' }, caption: 'vídeo' },
      { type: 'audio', content: { url: 'https://files.example.com/a.ogg', mime_type: 'audio/ogg' } },
      { type: 'document', content: { url: 'https://files.example.com/boleto.pdf', mime_type: 'application/pdf' }, filename: 'boleto.pdf' },
    ];
    for (const [i, value] of media.entries()) {
      const res = await panelReply(h, replyBody(room, `media-${i}`, value), secret);
      assert.equal(res.status, 200, res.body);
      const m = (await rows()).find((r) => r.id === res.json.data.id)!;
      assert.equal(m.type, value.type);
      assert.equal(m.content, value.content.url);
      assert.equal(m.media_url, value.content.url);
      assert.equal(m.media_mime_type, value.content.mime_type);
      assert.equal(m.media_caption, value.caption ?? null);
      assert.equal(m.media_file_name, value.filename ?? null);
      assert.equal(m.client_message_id, `media-${i}`);
    }
  });

  test('the raw body is what is signed: any spacing or key order the panel chose is accepted', async () => {
    const raw = `{ "value": {"type":"text","content":{"body":"espaçado"},"id":"raw-1"},\n  "field":"messages","object":"message_event","event_type":"incoming_message",
      "project_id":"${room.projectId}","room_id":"${room.roomId}","bot_id":"${room.botId}","user_id":"${room.userId}" }`;
    const res = await panelReply(h, null, secret, { raw });
    assert.equal(res.status, 200, res.body);
  });

  test("with an operator attending, the reply is the operator's", async () => {
    const agent = await makeUser(h);
    const p = await inbound(h, { phone: '5511890000031' });
    await startSession(h, { userId: p.personId, assignment: { type: 'operator', target: agent } });
    const res = await panelReply(
      h,
      replyBody({ projectId: h.ws.workspaceId, roomId: p.conversationId, botId: h.ws.botId, userId: p.personId }, 'op-1'),
      secret,
    );
    assert.equal(res.status, 200, res.body);
    const m = await h.store.db.selectFrom('messages').selectAll().where('id', '=', res.json.data.id).executeTakeFirstOrThrow();
    assert.equal(m.sender_user_id, agent);
    await deliveries();
  });
});
