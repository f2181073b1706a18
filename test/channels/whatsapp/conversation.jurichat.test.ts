import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeUser } from '../../helpers/fixtures.ts';
import { juri } from '../../helpers/jurichat.ts';
import { multipartBody } from '../../helpers/multipart.ts';
import { deliveryReader, startReceiver, testDispatcher } from '../../helpers/receiver.ts';
import { deliver, nowSec, wamid } from './wa-helpers.ts';
import { inboundImage, inboundText, statusUpdate } from './meta-payloads.ts';
import { startWhatsApp, type WhatsAppSetup, signedChannel, metaBody } from './outbox-setup.ts';

/**
 * A JuriChat client runs a whole conversation over a WhatsApp channel (whatsapp-channel.md §5):
 * the person writes through Meta, the client finds the conversation, takes it, answers with text,
 * a file and a quoted reply, sees Meta's ticks and the person's image, and hands it back.
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

const PHONE = '5511987654321';
const channel = () => signedChannel(s);
const meta = metaBody;

async function sendMultipart(fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }) {
  const { payload, contentType } = multipartBody(fields, file ? [file] : []);
  const res = await s.h.app.inject({
    method: 'POST',
    url: '/conversation/send-message',
    payload,
    headers: { 'x-jurichat-api-key': s.h.ws.apiKey, 'content-type': contentType },
  });
  return { status: res.statusCode, json: res.json(), body: res.body };
}

async function view(conversationId: string) {
  const res = await juri(s.h, 'GET', `/conversation/${conversationId}`, { query: { limit: '100' } });
  assert.equal(res.status, 200, res.body);
  return res.json.data;
}

test('a JuriChat client runs a whole conversation over a WhatsApp channel', async () => {
  const { h, fake } = s;
  // The client subscribes to message events before anyone writes.
  const hook = await juri(h, 'POST', '/webhooks', { body: { name: 'CRM', url: receiver.url, events: ['chat.message.created'] } });
  assert.equal(hook.status, 200, hook.body);
  const clock = { now: Date.now() };
  const delivered = deliveryReader(receiver, testDispatcher(h, clock), clock);

  // 1. The person writes (a signed Meta webhook, timestamp now).
  const inboundWamid = wamid('in');
  await deliver(h, channel(), meta(inboundText({ from: PHONE, id: inboundWamid, name: 'Maria Souza', timestamp: nowSec(), body: 'Olá, preciso de ajuda' })));

  // 2. The client lists the inbox's conversations and finds it.
  const list = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, page: '1', limit: '100' } });
  assert.equal(list.status, 200, list.body);
  const listed = list.json.data.filter((c: any) => c.person?.phoneNumber === PHONE);
  assert.equal(listed.length, 1, list.body);
  const conversation = listed[0];
  assert.equal(conversation.person.name, 'Maria Souza');
  assert.equal(conversation.lastMessage.content, 'Olá, preciso de ajuda');
  assert.equal(conversation.isGroup, false);
  const conversationId: string = conversation.id;
  const firstView = await view(conversationId);
  const inboundMessage = firstView.messages.find((m: any) => m.externalId === inboundWamid);
  assert.equal(inboundMessage.direction, 'INBOUND');
  assert.equal(inboundMessage.content, 'Olá, preciso de ajuda');

  // The subscription got chat.message.created for the inbound message, in the GET shape.
  const events = (await delivered()).filter((b) => b.event === 'chat.message.created');
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].data.conversationId, conversationId);
  assert.equal(events[0].data.inboxId, h.ws.inboxId);
  assert.deepEqual(events[0].data.message, inboundMessage);

  // 3. Human support with a user.
  const agent = await makeUser(h, undefined, 'Dra. Ana');
  const started = await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
  assert.equal(started.status, 200, started.body);
  assert.deepEqual(started.json, { success: true });

  // 4. A text: stored at once as pending, then the outbox sends it to Meta.
  const text = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'Olá Maria, sou a Dra. Ana' } });
  assert.equal(text.status, 200, text.body);
  assert.equal(text.json.externalStatus, 'pending');
  assert.equal(text.json.direction, 'OUTBOUND');
  assert.equal(fake.sent().length, 0, 'never inside the request');
  assert.equal(await s.outbox().runOnce(), 1);
  const [textBody] = fake.sent();
  assert.equal(textBody.to, `+${PHONE}`);
  assert.equal(textBody.biz_opaque_callback_data, text.json.id);
  assert.deepEqual(textBody.text, { body: 'Olá Maria, sou a Dra. Ana', preview_url: false });
  let shown = (await view(conversationId)).messages.find((m: any) => m.id === text.json.id);
  assert.equal(shown.externalStatus, 'sent');
  const textWamid: string = shown.externalId;
  assert.match(textWamid, /^wamid\.FAKE/);

  // 5. A file via multipart: uploaded to Meta first, then sent by its id.
  const pdf = Buffer.from('%PDF-1.4 contrato');
  const file = await sendMultipart(
    { conversationId, type: 'document', message: 'Seu contrato', fileName: 'contrato.pdf' },
    {
      name: 'contrato.pdf',
      type: 'application/pdf',
      content: pdf,
    },
  );
  assert.equal(file.status, 200, file.body);
  assert.equal(file.json.type, 'document');
  assert.equal(file.json.externalStatus, 'pending');
  const before = fake.requests.length;
  assert.equal(await s.outbox().runOnce(), 1);
  const exchange = fake.requests.slice(before);
  assert.deepEqual(
    exchange.map((r) => `${r.method} ${r.path}`),
    ['POST /v25.0/106540352242922/media', 'POST /v25.0/106540352242922/messages'],
  );
  assert.deepEqual(exchange[0].multipart?.file?.bytes, pdf);
  assert.equal(exchange[0].multipart?.fields.messaging_product, 'whatsapp');
  const fileBody = exchange[1].json;
  assert.equal(fileBody.type, 'document');
  assert.match(fileBody.document.id, /^\d+$/);
  assert.equal(fileBody.document.link, undefined);
  assert.equal(fileBody.document.filename, 'contrato.pdf');
  assert.equal(fileBody.biz_opaque_callback_data, file.json.id);
  assert.equal(fileBody.to, `+${PHONE}`);
  const fileWamid: string = (await view(conversationId)).messages.find((m: any) => m.id === file.json.id).externalId;

  // 6. Meta's statuses arrive as signed webhooks: sent, delivered, read (the file only delivered).
  for (const status of ['sent', 'delivered', 'read'])
    await deliver(h, channel(), meta(statusUpdate({ id: textWamid, status, recipientId: PHONE, timestamp: nowSec() })));
  await deliver(h, channel(), meta(statusUpdate({ id: fileWamid, status: 'delivered', recipientId: PHONE, timestamp: nowSec() })));
  // A late `sent` never downgrades the read tick.
  await deliver(h, channel(), meta(statusUpdate({ id: textWamid, status: 'sent', recipientId: PHONE, timestamp: nowSec() })));

  // 7. The person sends an image: stored at once (pending), fetched by the outbox, served by Conversas.
  const jpeg = Buffer.from('\xff\xd8\xff a photo of the document');
  fake.addMedia('MEDIA-JURI-1', jpeg, 'image/jpeg');
  const imageWamid = wamid('img');
  await deliver(
    h,
    channel(),
    meta(
      inboundImage({
        from: PHONE,
        id: imageWamid,
        name: 'Maria Souza',
        timestamp: nowSec(),
        mediaId: 'MEDIA-JURI-1',
        caption: 'Foto do documento',
        sha256: createHash('sha256').update(jpeg).digest('base64'),
      }),
    ),
  );
  let image = (await view(conversationId)).messages.find((m: any) => m.externalId === imageWamid);
  assert.equal(image.type, 'image');
  assert.equal(image.direction, 'INBOUND');
  assert.equal(await s.outbox().runOnce(), 1, 'the media job');

  const after = await view(conversationId);
  shown = after.messages.find((m: any) => m.id === text.json.id);
  assert.equal(shown.externalStatus, 'read');
  assert.equal(after.messages.find((m: any) => m.id === file.json.id).externalStatus, 'delivered');
  image = after.messages.find((m: any) => m.externalId === imageWamid);
  // JuriChat shows a media message's file URL as its content (as send-message and sandbox messages do).
  assert.ok(typeof image.content === 'string' && image.content.startsWith(`${h.config.publicUrl}/media/`), `image content: ${image.content}`);
  const served = await h.app.inject({ method: 'GET', url: new URL(image.content).pathname });
  assert.equal(served.statusCode, 200);
  assert.deepEqual(served.rawPayload, jpeg);
  const native = await s.h.app.inject({
    method: 'GET',
    url: `/api/v1/conversations/${conversationId}/messages?limit=100`,
    headers: { authorization: `Bearer ${h.ws.apiKey}` },
  });
  const nativeImage = native.json().data.find((m: any) => m.externalId === imageWamid);
  assert.equal(nativeImage.media.status, 'ready');
  assert.equal(nativeImage.media.url, image.content);
  assert.equal(nativeImage.media.caption, 'Foto do documento');

  // 8. A quoted reply carries the quoted wamid as context.message_id.
  const quoted = await juri(h, 'POST', '/conversation/send-message', {
    body: { conversationId, message: 'Recebi a foto, obrigada', quotedMessageId: inboundMessage.id },
  });
  assert.equal(quoted.status, 200, quoted.body);
  assert.equal(quoted.json.quotedMessage.id, inboundMessage.id);
  assert.equal(await s.outbox().runOnce(), 1);
  const quotedBody = fake.sent().at(-1);
  assert.deepEqual(quotedBody.context, { message_id: inboundWamid });
  assert.equal(quotedBody.biz_opaque_callback_data, quoted.json.id);
  assert.equal(fake.sent().length, 3, 'each message went to Meta exactly once');

  // 9. End of human support.
  const ended = await juri(h, 'POST', '/conversation/end-human-support', { body: { conversationId } });
  assert.equal(ended.status, 200, ended.body);
  assert.deepEqual(ended.json, { success: true });
  const final = await view(conversationId);
  assert.equal(final.status, 'ROBOT_INTERACTIVE');
  assert.deepEqual(
    final.messages.filter((m: any) => m.direction === 'OUTBOUND').map((m: any) => [m.content === null ? null : m.type, m.externalStatus]),
    [
      ['text', 'read'],
      ['document', 'delivered'],
      ['text', 'sent'],
    ],
  );
  assert.equal(await s.outbox().runOnce(Date.now() + 3_600_000), 0, 'nothing left to send');
});
