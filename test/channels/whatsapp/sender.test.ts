import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../../helpers/harness.ts';
import { metaError } from '../../helpers/fake-graph.ts';
import { sendMessage } from '../../../src/domain/send-message.ts';
import { CHANNEL_JOB_LEASE_MS, SEND_OUTCOME_UNKNOWN } from '../../../src/channels/channel-outbox.ts';
import { MAX_ATTEMPTS } from '../../../src/events/retry-policy.ts';
import { queueReadReceipt } from '../../../src/channels/whatsapp/read-receipts.ts';
import { graphClient } from '../../../src/channels/whatsapp/graph-client.ts';
import { receiveInbound } from '../../../src/domain/inbound.ts';
import { startWhatsAppWorkers } from '../../../src/channels/whatsapp/workers.ts';
import { agentSends, jobsLeft, messageNow, personWrites, startWhatsApp, type WhatsAppSetup } from './outbox-setup.ts';

let s: WhatsAppSetup;
before(async () => {
  s = await startWhatsApp();
});
after(async () => {
  await s?.close();
});
afterEach(async () => {
  // Jobs a test leaves waiting (throttled, failing) must not run in the next one.
  await s.h.ctx.db.deleteFrom('channel_jobs').execute();
  s.fake.requests.length = 0;
  s.fake.acceptedToken = null;
});

const HOUR = 3_600_000;
const onMessages = { method: 'POST', pathEndsWith: '/messages' };

test("a text message goes to Meta once with the person's +number and its id as callback data, then is sent with the wamid", async () => {
  const { conversationId } = await personWrites(s, { phone: '5511987650001' });
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'Olá, tudo bem?' });
  assert.equal(sent.externalStatus, 'pending');
  assert.equal(await s.outbox().runOnce(), 1);
  assert.deepEqual(s.fake.sent(), [
    {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+5511987650001',
      biz_opaque_callback_data: sent.id,
      type: 'text',
      text: { body: 'Olá, tudo bem?', preview_url: false },
    },
  ]);
  assert.equal(s.fake.requests[0].headers.authorization, 'Bearer EAAG-test');
  assert.match(s.fake.requests[0].path, /^\/v25\.0\/106540352242922\/messages$/);
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'sent');
  assert.match(now.externalId, /^wamid\.FAKE/);
  assert.equal(now.errorMessage, null);
  assert.deepEqual(await jobsLeft(s), []);
  assert.equal(await s.outbox().runOnce(), 0, 'nothing is sent twice');
  assert.equal(s.fake.sent().length, 1);
});

test('a file from our media store is uploaded first and sent by its id; a document keeps its filename, audio drops the caption', async () => {
  const { conversationId } = await personWrites(s);
  const pdf = await s.h.app.media.save(Buffer.from('%PDF-1.4 test'), 'application/pdf', 'pedido.pdf');
  const doc = await agentSends(s, conversationId, { type: 'document', mediaUrl: pdf.url, fileName: 'pedido.pdf', caption: 'Seu pedido' });
  await s.outbox().runOnce();
  const ogg = await s.h.app.media.save(Buffer.from('OggS voice'), 'audio/ogg', 'voz.ogg');
  const audio = await agentSends(s, conversationId, { type: 'audio', mediaUrl: ogg.url, caption: 'ignored' });
  await s.outbox().runOnce();
  const uploads = s.fake.requests.filter((r) => r.path.endsWith('/media'));
  assert.equal(uploads.length, 2);
  assert.equal(uploads[0].multipart?.fields.messaging_product, 'whatsapp');
  assert.equal(uploads[0].multipart?.fields.type, 'application/pdf');
  assert.equal(uploads[0].multipart?.file?.bytes.toString(), '%PDF-1.4 test');
  const [docBody, audioBody] = s.fake.sent();
  assert.equal(docBody.type, 'document');
  assert.match(docBody.document.id, /^\d+$/);
  assert.equal(docBody.document.caption, 'Seu pedido');
  assert.equal(docBody.document.filename, 'pedido.pdf');
  assert.equal(docBody.document.link, undefined);
  assert.deepEqual(Object.keys(audioBody.audio), ['id']);
  assert.equal((await messageNow(s, conversationId, doc.id)).externalStatus, 'sent');
  assert.equal((await messageNow(s, conversationId, audio.id)).externalStatus, 'sent');
});

test('a file elsewhere on the web is sent as a link, without an upload', async () => {
  const { conversationId } = await personWrites(s);
  await agentSends(s, conversationId, { type: 'image', mediaUrl: 'https://example.com/photo.jpg', mimeType: 'image/jpeg', caption: 'Foto' });
  await s.outbox().runOnce();
  assert.equal(s.fake.requests.filter((r) => r.path.endsWith('/media')).length, 0);
  assert.deepEqual(s.fake.sent()[0].image, { link: 'https://example.com/photo.jpg', caption: 'Foto' });
});

test('a reply quoting a message with a wamid carries context.message_id', async () => {
  const { conversationId, messageId } = await personWrites(s, { wamid: 'wamid.QUOTED1' });
  await agentSends(s, conversationId, { type: 'text', message: 'Respondendo', quotedMessageId: messageId });
  await s.outbox().runOnce();
  assert.deepEqual(s.fake.sent()[0].context, { message_id: 'wamid.QUOTED1' });
});

test("a template passes Meta's template object through as it is", async () => {
  const { conversationId } = await personWrites(s);
  const template = { name: 'order_confirmation', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }] };
  const { message } = await sendMessage(s.h.ctx, { workspaceId: s.h.ws.workspaceId, conversationId, type: 'template', template }, { type: 'system', id: null });
  await s.outbox().runOnce();
  const body = s.fake.sent()[0];
  assert.equal(body.type, 'template');
  assert.deepEqual(body.template, template);
  assert.equal((await messageNow(s, conversationId, message.id)).externalStatus, 'sent');
});

test("location and contact messages use Meta's location and contacts objects", async () => {
  const { conversationId } = await personWrites(s);
  const location = { latitude: -23.55, longitude: -46.63, name: 'Escritório', address: 'Av. Paulista, 1000' };
  const actor = { type: 'system' as const, id: null };
  const ws = s.h.ws.workspaceId;
  await sendMessage(s.h.ctx, { workspaceId: ws, conversationId, type: 'location', text: 'Escritório', metadata: { location } }, actor);
  await s.outbox().runOnce();
  await agentSends(s, conversationId, { type: 'contact', contactName: 'Barbara', contactPhoneNumber: '+55 11 91234-5678' });
  await s.outbox().runOnce();
  const [loc, contact] = s.fake.sent();
  assert.deepEqual(loc.location, location);
  assert.deepEqual(contact.contacts, [{ name: { formatted_name: 'Barbara', first_name: 'Barbara' }, phones: [{ phone: '+5511912345678' }] }]);
});

test('a refusal (131026) fails the message with "<code>: <message>" and ends the job', async () => {
  const { conversationId } = await personWrites(s);
  s.fake.next(onMessages, metaError(400, 131026, '(#131026) Message undeliverable'));
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'x' });
  await s.outbox().runOnce();
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'failed');
  assert.equal(now.errorMessage, '131026: Message undeliverable');
  assert.deepEqual(await jobsLeft(s), []);
});

test('a transient failure retries on the backoff ladder (Retry-After obeyed), then sends', async () => {
  const { conversationId } = await personWrites(s);
  s.fake.next(onMessages, { ...metaError(503, 131016, '(#131016) Service unavailable'), headers: { 'retry-after': '120' } });
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'x' });
  const t0 = Date.now();
  await s.outbox().runOnce(t0);
  const [job] = await jobsLeft(s);
  assert.equal(job.state, 'queued');
  assert.equal(job.attempt_count, 1);
  assert.equal(job.next_attempt_at, t0 + 120_000);
  assert.equal(job.last_error, '131016: Service unavailable');
  assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'pending');
  assert.equal(await s.outbox().runOnce(t0 + 60_000), 0, 'not before it is due');
  assert.equal(await s.outbox().runOnce(t0 + 121_000), 1);
  assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'sent');
  assert.equal(s.fake.sent().length, 2);
});

test('the last transient failure fails the message', async () => {
  const { conversationId } = await personWrites(s);
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'x' });
  await s.h.ctx.db
    .updateTable('channel_jobs')
    .set({ attempt_count: MAX_ATTEMPTS - 1 })
    .execute();
  s.fake.next(onMessages, metaError(500, 131000, '(#131000) Something went wrong'));
  await s.outbox().runOnce();
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'failed');
  assert.equal(now.errorMessage, '131000: Something went wrong');
  assert.deepEqual(await jobsLeft(s), []);
});

test('an interrupted exchange (reset after the request left) is never resent: send outcome unknown', async () => {
  const { conversationId } = await personWrites(s);
  s.fake.next(onMessages, { destroy: true });
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'x' });
  await s.outbox().runOnce();
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'failed');
  assert.equal(now.errorMessage, SEND_OUTCOME_UNKNOWN);
  assert.equal(await s.outbox().runOnce(Date.now() + HOUR), 0);
  assert.equal(s.fake.sent().length, 1);
});

test('131056 (too many messages to this person) retries that conversation after 4 s, then 16 s; another conversation is not held back', async () => {
  const a = await personWrites(s);
  const b = await personWrites(s);
  const a1 = await agentSends(s, a.conversationId, { type: 'text', message: 'A1' });
  const a2 = await agentSends(s, a.conversationId, { type: 'text', message: 'A2' });
  const b1 = await agentSends(s, b.conversationId, { type: 'text', message: 'B1' });
  const outbox = s.outbox({ batchSize: 1 });
  const t0 = Date.now();
  s.fake.next(onMessages, metaError(400, 131056, '(#131056) Pair rate limit hit'));
  assert.equal(await outbox.runOnce(t0), 1);
  const [throttled] = (await jobsLeft(s)).filter((j) => j.message_id === a1.id);
  assert.equal(throttled.next_attempt_at, t0 + 4000);
  assert.equal(await outbox.runOnce(t0), 1, 'B1 goes while A waits');
  assert.equal(await outbox.runOnce(t0), 0, 'A2 waits behind A1');
  s.fake.next(onMessages, metaError(400, 131056, '(#131056) Pair rate limit hit'));
  assert.equal(await outbox.runOnce(t0 + 4000), 1);
  const [again] = (await jobsLeft(s)).filter((j) => j.message_id === a1.id);
  assert.equal(again.next_attempt_at, t0 + 4000 + 16_000);
  assert.equal(await outbox.runOnce(t0 + 20_000), 1);
  assert.equal(await outbox.runOnce(t0 + 20_000), 1);
  assert.deepEqual(
    s.fake.sent().map((body) => body.text.body),
    ['A1', 'B1', 'A1', 'A1', 'A2'],
  );
  for (const [conversationId, m] of [
    [a.conversationId, a1],
    [a.conversationId, a2],
    [b.conversationId, b1],
  ])
    assert.equal((await messageNow(s, conversationId, m.id)).externalStatus, 'sent');
});

test('a revoked token puts the channel in error; its messages wait until a PATCH replaces the token, then it is active again', async () => {
  const { conversationId } = await personWrites(s);
  s.fake.acceptedToken = 'EAAG-renewed';
  const first = await agentSends(s, conversationId, { type: 'text', message: 'first' });
  await s.outbox().runOnce();
  let channel = (await call(s.h, 'GET', `/api/v1/channels/${s.channelId}`)).json;
  assert.equal(channel.status, 'error');
  assert.match(channel.lastError, /^190: /);
  assert.ok(channel.lastErrorAt);
  const second = await agentSends(s, conversationId, { type: 'text', message: 'second' });
  assert.equal(await s.outbox().runOnce(Date.now() + HOUR), 0, 'the channel waits for a new token');
  assert.equal(s.fake.sent().length, 1);
  assert.equal((await messageNow(s, conversationId, first.id)).externalStatus, 'pending');
  await new Promise((resolve) => setTimeout(resolve, 5));
  const patched = await call(s.h, 'PATCH', `/api/v1/channels/${s.channelId}`, { body: { config: { accessToken: 'EAAG-renewed' } } });
  assert.equal(patched.status, 200, patched.body);
  await s.outbox().runOnce();
  await s.outbox().runOnce();
  assert.equal((await messageNow(s, conversationId, first.id)).externalStatus, 'sent');
  assert.equal((await messageNow(s, conversationId, second.id)).externalStatus, 'sent');
  channel = (await call(s.h, 'GET', `/api/v1/channels/${s.channelId}`)).json;
  assert.equal(channel.status, 'active');
  assert.equal(channel.lastError, null);
  assert.deepEqual(
    s.fake.sent().map((body) => body.text.body),
    ['first', 'first', 'second'],
  );
});

test('a process that died mid-request: the send left `sending` past its lease fails as outcome unknown and is never resent', async () => {
  const { conversationId } = await personWrites(s);
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'once' });
  const t0 = Date.now();
  const outbox = s.outbox();
  const [claimed] = await outbox.claim(t0);
  assert.equal(claimed.state, 'sending');
  // The dead process's request had reached Meta; its answer was never recorded.
  await graphClient({ allowPrivate: true }).sendMessage(
    { graphApiUrl: s.fake.url, graphApiVersion: 'v25.0', phoneNumberId: '106540352242922', accessToken: 'EAAG-renewed' },
    { to: '+5511', type: 'text', text: { body: 'once' } },
  );
  assert.equal(await outbox.runOnce(t0 + 1000), 0, 'a live lease is left alone');
  assert.equal(await outbox.runOnce(t0 + CHANNEL_JOB_LEASE_MS + 1), 1);
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'failed');
  assert.equal(now.errorMessage, SEND_OUTCOME_UNKNOWN);
  assert.deepEqual(await jobsLeft(s), []);
  assert.equal(await outbox.runOnce(t0 + 2 * CHANNEL_JOB_LEASE_MS), 0);
  assert.equal(s.fake.sent().length, 1);
});

test('a status that arrived before the send response waits for the wamid and is applied with it', async () => {
  const { conversationId } = await personWrites(s);
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'raced' });
  s.fake.next(onMessages, { json: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.RACED' }] } });
  await s.h.ctx.db
    .insertInto('waiting_statuses')
    .values({
      workspace_id: s.h.ws.workspaceId,
      channel_id: s.channelId,
      external_id: 'wamid.RACED',
      status: 'delivered',
      error_message: null,
      received_at: Date.now(),
    })
    .execute();
  await s.outbox().runOnce();
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalId, 'wamid.RACED');
  assert.equal(now.externalStatus, 'delivered');
  assert.deepEqual(await s.h.ctx.db.selectFrom('waiting_statuses').selectAll().execute(), []);
});

test('reading a conversation marks its newest inbound wamid read once', async () => {
  const { conversationId } = await personWrites(s, { wamid: 'wamid.READ1' });
  const queue = () => s.h.ctx.transact((trx) => queueReadReceipt(s.h.ctx, trx, s.h.ws.workspaceId, conversationId));
  await queue();
  await s.outbox().runOnce();
  await queue();
  await s.outbox().runOnce();
  assert.deepEqual(s.fake.sent(), [{ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.READ1' }]);
});

test('a group gets recipient_type group and its id; a person without a number gets the BSUID as recipient', async () => {
  const group = await receiveInbound(s.h.ctx, {
    workspaceId: s.h.ws.workspaceId,
    channelId: s.channelId,
    from: { phone: '5511987659999' },
    group: { externalId: '120363025246125486', name: 'Equipe' },
    message: { type: 'text', text: 'Oi grupo', externalId: 'wamid.GROUP1' },
  });
  await agentSends(s, group.conversationId, { type: 'text', message: 'Olá grupo' });
  const person = await personWrites(s);
  await s.h.ctx.db.updateTable('people').set({ phone_number: null, bsuid: 'BR.1a2b3c' }).where('id', '=', person.personId).execute();
  await agentSends(s, person.conversationId, { type: 'text', message: 'Olá' });
  await s.outbox().runOnce();
  await s.h.ctx.transact((trx) => queueReadReceipt(s.h.ctx, trx, s.h.ws.workspaceId, group.conversationId));
  assert.deepEqual(
    (await jobsLeft(s)).filter((j) => j.kind === 'read'),
    [],
    'no read receipts in groups',
  );
  const bodies = s.fake.sent();
  const toGroup = bodies.find((b) => b.text.body === 'Olá grupo');
  const toBsuid = bodies.find((b) => b.text.body === 'Olá');
  assert.equal(toGroup.recipient_type, 'group');
  assert.equal(toGroup.to, '120363025246125486');
  assert.equal(toBsuid.recipient, 'BR.1a2b3c');
  assert.equal(toBsuid.to, undefined);
});

test('startWhatsAppWorkers sends in the background until stopped', async () => {
  const { conversationId } = await personWrites(s);
  const workers = startWhatsAppWorkers(s.h.ctx, s.h.config, s.h.app.log, s.h.app.media);
  try {
    const sent = await agentSends(s, conversationId, { type: 'text', message: 'background' });
    await s.fake.waitForRequests(1, 5000);
    for (let i = 0; i < 50 && (await messageNow(s, conversationId, sent.id)).externalStatus === 'pending'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'sent');
  } finally {
    await workers.stop();
  }
});
