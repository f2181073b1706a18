import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../../helpers/harness.ts';
import { assertError, create } from '../../helpers/resources.ts';
import { juri, fastifyError } from '../../helpers/jurichat.ts';
import { createIntegration, jelouError, panelReply, replyBody, startSession } from '../../helpers/jelou.ts';
import { createWhatsApp, deliver, messageByWamid, messagesOf, nowSec, wamid, type WaChannel } from './wa-helpers.ts';
import { metaEnvelope, inboundText } from './meta-payloads.ts';

let h: Harness;
let channel: WaChannel;
let botId: string;
let secret: string;
before(async () => {
  h = await startHarness();
  channel = await createWhatsApp(h);
  botId = (await create(h, 'bots', { name: 'WA bot', channelId: channel.id })).id;
  secret = (await createIntegration(h, 'http://127.0.0.1:9/panel')).signingSecret;
});
after(async () => {
  await h?.close();
});

const HOURS = 3600;

/** A person whose last message was `ageSeconds` ago; returns their message. */
async function personWhoWrote(phone: string, ageSeconds: number): Promise<any> {
  const id = wamid('w');
  await deliver(h, channel, metaEnvelope(channel.phoneNumberId, inboundText({ from: phone, name: 'Janela', id, body: 'oi', timestamp: nowSec(-ageSeconds) })));
  return messageByWamid(h, channel.id, id);
}

const send = (conversationId: string, body: Record<string, unknown>) => call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body });

describe('native', () => {
  test('inside the window a free-form message is stored pending (201)', async () => {
    const m = await personWhoWrote('5511987610001', 23 * HOURS);
    const res = await send(m.conversationId, { type: 'text', message: 'dentro da janela' });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json.externalStatus, 'pending');
    assert.equal(res.json.direction, 'OUTBOUND');
  });

  test('outside the window a free-form message is 409 outside_service_window and not stored', async () => {
    const m = await personWhoWrote('5511987610002', 25 * HOURS);
    const count = (await messagesOf(h, m.conversationId)).length;
    for (const body of [
      { type: 'text', message: 'fora' },
      { type: 'image', mediaUrl: 'https://example.com/a.jpg', mimeType: 'image/jpeg' },
    ]) {
      const res = await send(m.conversationId, body);
      assertError(res, 409, { code: 'outside_service_window' });
    }
    assert.equal((await messagesOf(h, m.conversationId)).length, count);
  });

  test('a template is allowed outside the window: 201, content = the template name, Meta object kept', async () => {
    const m = await personWhoWrote('5511987610003', 48 * HOURS);
    const template = { name: 'retomar_contato', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] };
    const res = await send(m.conversationId, { type: 'template', template });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json.type, 'template');
    assert.equal(res.json.content, 'retomar_contato');
    assert.equal(res.json.externalStatus, 'pending');
    assert.deepEqual(res.json.metadata.template, template);
  });

  test('an internal note is allowed outside the window', async () => {
    const m = await personWhoWrote('5511987610004', 30 * HOURS);
    const res = await juri(h, 'POST', '/conversation/note', { body: { conversationId: m.conversationId, note: 'nota interna' } });
    assert.ok(res.status < 300, res.body);
  });

  test('a fresh message from the person reopens the window', async () => {
    const m = await personWhoWrote('5511987610005', 30 * HOURS);
    assertError(await send(m.conversationId, { type: 'text', message: 'fechada' }), 409, { code: 'outside_service_window' });
    await personWhoWrote('5511987610005', 0);
    assert.equal((await send(m.conversationId, { type: 'text', message: 'aberta' })).status, 201);
  });

  test('a late redelivery of an old message does not reopen the window', async () => {
    const m = await personWhoWrote('5511987610006', 30 * HOURS);
    await personWhoWrote('5511987610006', 40 * HOURS);
    assertError(await send(m.conversationId, { type: 'text', message: 'ainda fechada' }), 409, { code: 'outside_service_window' });
  });

  test('the sandbox channel has no window', async () => {
    const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: { from: { phone: '5511987610099', name: 'Sandbox' }, message: { type: 'text', text: 'oi' } },
    });
    assert.equal(res.status, 200, res.body);
    await h.store.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() - 72 * HOURS * 1000 })
      .where('id', '=', res.json.conversationId)
      .execute();
    assert.equal((await send(res.json.conversationId, { type: 'text', message: 'sandbox' })).status, 201);
  });
});

describe('JuriChat', () => {
  test('send-message outside the window is 400 saying so; inside it is 200', async () => {
    const m = await personWhoWrote('5511987620001', 26 * HOURS);
    await h.store.db.updateTable('conversations').set({ status: 'ACTIVE' }).where('id', '=', m.conversationId).execute();
    const count = (await messagesOf(h, m.conversationId)).length;
    const res = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId: m.conversationId, message: 'fora da janela' } });
    const message = fastifyError(res, 400);
    assert.match(message, /24-hour/);
    assert.equal((await messagesOf(h, m.conversationId)).length, count);

    const fresh = await personWhoWrote('5511987620002', 60);
    await h.store.db.updateTable('conversations').set({ status: 'ACTIVE' }).where('id', '=', fresh.conversationId).execute();
    const ok = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId: fresh.conversationId, message: 'dentro' } });
    assert.equal(ok.status, 200, ok.body);
  });
});

describe('Jelou', () => {
  test('a panel reply outside the window is refused with its error envelope; inside it is accepted', async () => {
    const m = await personWhoWrote('5511987630001', 26 * HOURS);
    const session = await startSession(h, { botId, userId: m.senderPersonId });
    assert.equal(session.roomId, m.conversationId, 'the session is on the WhatsApp conversation');
    const ids = { projectId: h.ws.workspaceId, roomId: m.conversationId, botId, userId: m.senderPersonId };
    const count = (await messagesOf(h, m.conversationId)).length;
    const res = await panelReply(h, replyBody(ids, 'panel-msg-1'), secret);
    const envelope = jelouError(res, 409, 'outside_service_window');
    assert.match(JSON.stringify(envelope.error), /24-hour/, 'the envelope says why');
    assert.equal((await messagesOf(h, m.conversationId)).length, count);

    const fresh = await personWhoWrote('5511987630002', 60);
    await startSession(h, { botId, userId: fresh.senderPersonId });
    const ok = await panelReply(h, replyBody({ ...ids, roomId: fresh.conversationId, userId: fresh.senderPersonId }, 'panel-msg-2'), secret);
    assert.equal(ok.status, 200, ok.body);
  });
});
