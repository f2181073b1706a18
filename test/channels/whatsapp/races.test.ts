import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { call } from '../../helpers/harness.ts';
import { SEND_OUTCOME_UNKNOWN } from '../../../src/channels/channel-outbox.ts';
import { graphClient } from '../../../src/channels/whatsapp/graph-client.ts';
import { whatsAppOutbox } from '../../../src/channels/whatsapp/workers.ts';
import { deliver, messageByWamid, nowSec, postWebhook, wamid } from './wa-helpers.ts';
import { inboundGroupText, inboundImage, inboundText, statusUpdate } from './meta-payloads.ts';
import { agentSends, jobsLeft, messageNow, startWhatsApp, type WhatsAppSetup, signedChannel, metaBody } from './outbox-setup.ts';

/** Races and failures end to end: signed Meta webhooks, the outbox and the fake Graph API together (whatsapp-channel.md §2, §3, §4). */

let s: WhatsAppSetup;
before(async () => {
  s = await startWhatsApp();
});
after(async () => {
  await s?.close();
});
afterEach(async () => {
  await s.h.ctx.db.deleteFrom('channel_jobs').execute();
  s.fake.requests.length = 0;
  s.fake.acceptedToken = null;
});

const HOUR = 3_600_000;
const onMessages = { method: 'POST', pathEndsWith: '/messages' };
const channel = () => signedChannel(s);
const meta = metaBody;

let phones = 0;
/** A person writes through a signed Meta webhook; returns the conversation id and the inbound message. */
async function personWritesByWebhook(options: { phone?: string; id?: string; body?: string } = {}) {
  const phone = options.phone ?? `55119877${String(process.pid % 100).padStart(2, '0')}${String(++phones).padStart(3, '0')}`;
  const id = options.id ?? wamid('in');
  await deliver(s.h, channel(), meta(inboundText({ from: phone, id, name: 'Maria', timestamp: nowSec(), body: options.body ?? 'Olá' })));
  const message = await messageByWamid(s.h, s.channelId, id);
  return { phone, wamid: id, message, conversationId: message.conversationId as string };
}

const sendsFor = (messageId: string) => s.fake.sent().filter((b) => b.biz_opaque_callback_data === messageId);

test("a status webhook that arrives before the send response is applied when the wamid is stored: the webhook's status wins", async () => {
  const { phone, conversationId } = await personWritesByWebhook();
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'corrida' });
  s.fake.next(onMessages, { json: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.RACED-E2E' }] }, delayMs: 400 });
  const running = s.outbox().runOnce();
  await s.fake.waitForRequests(1);
  // Meta already delivered it; the answer to the send is still on its way.
  await deliver(s.h, channel(), meta(statusUpdate({ id: 'wamid.RACED-E2E', status: 'delivered', recipientId: phone, timestamp: nowSec() })));
  assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'pending', 'the send has not answered yet');
  assert.equal(await running, 1);
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalId, 'wamid.RACED-E2E');
  assert.equal(now.externalStatus, 'delivered');
  assert.deepEqual(await s.h.ctx.db.selectFrom('waiting_statuses').selectAll().execute(), []);
});

test('a status carrying biz_opaque_callback_data before the send response: the message gets its wamid and keeps the later status', async () => {
  const { phone, conversationId } = await personWritesByWebhook();
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'corrida 2' });
  s.fake.next(onMessages, { json: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.RACED-OPAQUE' }] }, delayMs: 400 });
  const running = s.outbox().runOnce();
  await s.fake.waitForRequests(1);
  await deliver(
    s.h,
    channel(),
    meta(statusUpdate({ id: 'wamid.RACED-OPAQUE', status: 'read', recipientId: phone, bizOpaqueCallbackData: sent.id, timestamp: nowSec() })),
  );
  assert.equal(await running, 1);
  const now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalId, 'wamid.RACED-OPAQUE');
  assert.equal(now.externalStatus, 'read', 'the late send response (sent) never downgrades read');
  assert.equal(sendsFor(sent.id).length, 1);
});

test('the same Meta POST delivered twice at once is stored once (messages, statuses, media jobs)', async () => {
  const phone = '5511955550001';
  const text = wamid('dup');
  const image = wamid('dupimg');
  const body = meta([
    inboundText({ from: phone, id: text, name: 'Duplicada', timestamp: nowSec(-1), body: 'mensagem repetida' }),
    inboundImage({ from: phone, id: image, name: 'Duplicada', timestamp: nowSec(), mediaId: 'MEDIA-DUP', caption: 'foto repetida' }),
  ]);
  const answers = await Promise.all([postWebhook(s.h, channel(), body), postWebhook(s.h, channel(), body), postWebhook(s.h, channel(), body)]);
  for (const res of answers) assert.equal(res.status, 200, res.body);
  const stored = await messageByWamid(s.h, s.channelId, text);
  assert.equal(stored.content, 'mensagem repetida');
  const photo = await messageByWamid(s.h, s.channelId, image);
  assert.equal(photo.media.status, 'pending');
  const mediaJobs = (await jobsLeft(s)).filter((j) => j.kind === 'media');
  assert.equal(mediaJobs.length, 1, 'one media fetch');
  const conversation = (await call(s.h, 'GET', `/api/v1/conversations/${stored.conversationId}`)).json;
  assert.equal(conversation.unreadCount, 2, 'counted once');
});

test('a media download failing (500) is retried by a later outbox run: media.status pending → ready', async () => {
  const bytes = Buffer.from('\xff\xd8\xff flaky photo');
  s.fake.addMedia('MEDIA-FLAKY-E2E', bytes, 'image/jpeg');
  const id = wamid('flaky');
  await deliver(
    s.h,
    channel(),
    meta(
      inboundImage({
        from: '5511955550002',
        id,
        timestamp: nowSec(),
        mediaId: 'MEDIA-FLAKY-E2E',
        caption: 'legenda',
        sha256: createHash('sha256').update(bytes).digest('base64'),
      }),
    ),
  );
  s.fake.next({ method: 'GET', pathEndsWith: '/media-download/MEDIA-FLAKY-E2E' }, { status: 500, body: 'Internal Server Error' });
  const t0 = Date.now();
  assert.equal(await s.outbox().runOnce(t0), 1);
  let message = await messageByWamid(s.h, s.channelId, id);
  assert.equal(message.media.status, 'pending');
  assert.equal(message.media.url, null);
  assert.equal(message.type, 'image', 'the message itself is kept');
  assert.equal(await s.outbox().runOnce(t0 + HOUR), 1);
  message = await messageByWamid(s.h, s.channelId, id);
  assert.equal(message.media.status, 'ready');
  assert.equal(message.media.caption, 'legenda');
  const served = await s.h.app.inject({ method: 'GET', url: new URL(message.media.url).pathname });
  assert.deepEqual(served.rawPayload, bytes);
  assert.deepEqual(await jobsLeft(s), []);
});

test('a send interrupted after the request left fails as "send outcome unknown", is never resent, and a status with its id reconciles it', async () => {
  const { phone, conversationId } = await personWritesByWebhook();
  const sent = await agentSends(s, conversationId, { type: 'text', message: 'uma vez só' });
  s.fake.next(onMessages, { hang: true });
  const impatient = whatsAppOutbox({
    ctx: s.h.ctx,
    media: s.h.app.media,
    publicUrl: s.h.config.publicUrl,
    graph: graphClient({ allowPrivate: true, timeoutMs: 200 }),
  });
  assert.equal(await impatient.runOnce(), 1);
  let now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'failed');
  assert.equal(now.errorMessage, SEND_OUTCOME_UNKNOWN);
  assert.equal(await s.outbox().runOnce(Date.now() + HOUR), 0, 'not retried blindly');
  assert.equal(sendsFor(sent.id).length, 1, 'Meta received exactly one send');
  // Meta did deliver it: the status names the message in biz_opaque_callback_data.
  await deliver(
    s.h,
    channel(),
    meta(statusUpdate({ id: 'wamid.HUNG-DELIVERED', status: 'delivered', recipientId: phone, bizOpaqueCallbackData: sent.id, timestamp: nowSec() })),
  );
  now = await messageNow(s, conversationId, sent.id);
  assert.equal(now.externalStatus, 'delivered');
  assert.equal(now.externalId, 'wamid.HUNG-DELIVERED');
  assert.equal(now.errorMessage, null);
  // Later statuses find it by its wamid.
  await deliver(s.h, channel(), meta(statusUpdate({ id: 'wamid.HUNG-DELIVERED', status: 'read', recipientId: phone, timestamp: nowSec() })));
  assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'read');
  assert.equal(sendsFor(sent.id).length, 1);
});

test('reading a conversation sends one read receipt for the newest inbound wamid, once even if read twice; none in a group', async () => {
  const first = await personWritesByWebhook({ body: 'primeira' });
  const newest = wamid('newest');
  await deliver(s.h, channel(), meta(inboundText({ from: first.phone, id: newest, timestamp: nowSec(1), body: 'segunda' })));
  const read = await call(s.h, 'POST', `/api/v1/conversations/${first.conversationId}/read`);
  assert.equal(read.status, 200, read.body);
  assert.equal(read.json.unreadCount, 0);
  await s.outbox().runOnce();
  const again = await call(s.h, 'POST', `/api/v1/conversations/${first.conversationId}/read`);
  assert.equal(again.status, 200, again.body);
  await s.outbox().runOnce(Date.now() + HOUR);
  assert.deepEqual(s.fake.sent(), [{ messaging_product: 'whatsapp', status: 'read', message_id: newest }]);

  const groupMessage = wamid('group');
  await deliver(
    s.h,
    channel(),
    meta(inboundGroupText({ from: '5511955550003', id: groupMessage, groupId: '120363025246125999', timestamp: nowSec(), body: 'oi grupo' })),
  );
  const group = await messageByWamid(s.h, s.channelId, groupMessage);
  const groupRead = await call(s.h, 'POST', `/api/v1/conversations/${group.conversationId}/read`);
  assert.equal(groupRead.status, 200, groupRead.body);
  assert.equal((await call(s.h, 'GET', `/api/v1/conversations/${group.conversationId}`)).json.isGroup, true);
  assert.deepEqual(
    (await jobsLeft(s)).filter((j) => j.kind === 'read'),
    [],
  );
  await s.outbox().runOnce(Date.now() + HOUR);
  assert.equal(s.fake.sent().length, 1, 'no read receipt in a group');
});

test('a revoked token (401/190): the channel shows error and lastError, messages wait; a PATCHed token sends them and the channel is active again', async () => {
  const { conversationId } = await personWritesByWebhook();
  s.fake.acceptedToken = 'EAAG-rotated-e2e';
  const first = await agentSends(s, conversationId, { type: 'text', message: 'primeira' });
  await s.outbox().runOnce();
  let shown = await call(s.h, 'GET', `/api/v1/channels/${s.channelId}`);
  assert.equal(shown.json.status, 'error');
  assert.match(shown.json.lastError, /^190: /);
  assert.ok(shown.json.lastErrorAt);
  assert.equal((await messageNow(s, conversationId, first.id)).externalStatus, 'pending');
  const second = await agentSends(s, conversationId, { type: 'text', message: 'segunda' });
  assert.equal(await s.outbox().runOnce(Date.now() + HOUR), 0, 'the messages wait for a new token');
  assert.equal((await messageNow(s, conversationId, second.id)).externalStatus, 'pending');

  const patched = await call(s.h, 'PATCH', `/api/v1/channels/${s.channelId}`, { body: { config: { accessToken: 'EAAG-rotated-e2e' } } });
  assert.equal(patched.status, 200, patched.body);
  assert.equal(await s.outbox().runOnce(), 1);
  assert.equal(await s.outbox().runOnce(), 1);
  assert.equal((await messageNow(s, conversationId, first.id)).externalStatus, 'sent');
  assert.equal((await messageNow(s, conversationId, second.id)).externalStatus, 'sent');
  shown = await call(s.h, 'GET', `/api/v1/channels/${s.channelId}`);
  assert.equal(shown.json.status, 'active');
  assert.equal(shown.json.lastError, null);
  assert.equal(s.fake.requests.at(-1)?.headers.authorization, 'Bearer EAAG-rotated-e2e');
  assert.deepEqual(
    s.fake.sent().map((b) => b.text.body),
    ['primeira', 'primeira', 'segunda'],
  );
});
