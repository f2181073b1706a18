import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueChannelJob } from '../../../src/db/repos/channel-jobs.ts';
import { receiveInbound } from '../../../src/domain/inbound.ts';
import { MAX_ATTEMPTS } from '../../../src/events/retry-policy.ts';
import { metaError } from '../../helpers/fake-graph.ts';
import { jobsLeft, messageNow, startWhatsApp, type WhatsAppSetup } from './outbox-setup.ts';

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
});

const HOUR = 3_600_000;
let counter = 0;

/** An image the person sent, stored at once with its file pending and a media job queued (as the webhook does). */
async function receivedImage(mediaId: string, sha256: string | null = null) {
  const n = ++counter;
  const received = await receiveInbound(s.h.ctx, {
    workspaceId: s.h.ws.workspaceId,
    channelId: s.channelId,
    from: { phone: `55119888${String(n).padStart(5, '0')}` },
    message: { type: 'image', mediaUrl: 'https://placeholder.invalid/x', mimeType: 'image/jpeg', caption: 'Foto', externalId: `wamid.MEDIA${n}` },
  });
  await s.h.ctx.transact(async (trx) => {
    await trx.updateTable('messages').set({ media_url: null, media_status: 'pending' }).where('id', '=', received.messageId).execute();
    await enqueueChannelJob(trx, {
      workspaceId: s.h.ws.workspaceId,
      channelId: s.channelId,
      conversationId: received.conversationId,
      messageId: received.messageId,
      kind: 'media',
      orderAt: Date.now(),
      payload: { mediaId, sha256 },
    });
  });
  return received;
}

async function eventsOf(messageId: string) {
  const rows = await s.h.ctx.db.selectFrom('events').selectAll().where('type', '=', 'message.updated').execute();
  return rows.filter((row) => (typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload)).includes(messageId));
}

test('a received file is downloaded into the media store: media.url is ours, status ready, message.updated', async () => {
  const bytes = Buffer.from('\xff\xd8\xff jpeg bytes');
  s.fake.addMedia('MID-OK', bytes, 'image/jpeg');
  const { conversationId, messageId } = await receivedImage('MID-OK');
  assert.equal((await messageNow(s, conversationId, messageId)).media.status, 'pending');
  assert.equal(await s.outbox().runOnce(), 1);
  const media = (await messageNow(s, conversationId, messageId)).media;
  assert.equal(media.status, 'ready');
  assert.equal(media.error, null);
  assert.ok(media.url.startsWith(`${s.h.config.publicUrl}/media/`), media.url);
  assert.equal(media.mimeType, 'image/jpeg');
  assert.equal(media.caption, 'Foto');
  const served = await s.h.app.inject({ method: 'GET', url: new URL(media.url).pathname });
  assert.equal(served.statusCode, 200);
  assert.deepEqual(served.rawPayload, bytes);
  assert.equal(s.fake.requests[0].headers.authorization, 'Bearer EAAG-test');
  assert.equal(s.fake.requests[1].headers.authorization, 'Bearer EAAG-test', 'the download carries the token too');
  assert.equal((await eventsOf(messageId)).length, 1);
  assert.deepEqual(await jobsLeft(s), []);
});

test('a failed download retries on the backoff ladder and then succeeds', async () => {
  s.fake.addMedia('MID-FLAKY', Buffer.from('video'), 'video/mp4');
  const { conversationId, messageId } = await receivedImage('MID-FLAKY');
  s.fake.next({ method: 'GET', pathEndsWith: '/media-download/MID-FLAKY' }, { status: 503, body: 'busy' });
  const t0 = Date.now();
  await s.outbox().runOnce(t0);
  const [job] = await jobsLeft(s);
  assert.equal(job.attempt_count, 1);
  assert.ok(job.next_attempt_at > t0, 'waits for its next rung');
  assert.equal((await messageNow(s, conversationId, messageId)).media.status, 'pending');
  assert.equal(await s.outbox().runOnce(t0 + HOUR), 1);
  const media = (await messageNow(s, conversationId, messageId)).media;
  assert.equal(media.status, 'ready');
  assert.deepEqual(await jobsLeft(s), []);
});

test('media Meta no longer has (404) fails at once with the reason; the message stays', async () => {
  const { conversationId, messageId } = await receivedImage('MID-GONE');
  await s.outbox().runOnce();
  const message = await messageNow(s, conversationId, messageId);
  assert.equal(message.media.status, 'failed');
  assert.match(message.media.error, /^100: /);
  assert.equal(message.media.url, null);
  assert.equal(message.type, 'image');
  assert.equal((await eventsOf(messageId)).length, 1);
  assert.deepEqual(await jobsLeft(s), []);
});

test('a download answered 404 fails as no longer available', async () => {
  s.fake.addMedia('MID-EXPIRED', Buffer.from('x'), 'image/jpeg');
  const { conversationId, messageId } = await receivedImage('MID-EXPIRED');
  s.fake.next({ method: 'GET', pathEndsWith: '/media-download/MID-EXPIRED' }, { status: 404, body: 'Not Found' });
  await s.outbox().runOnce();
  const media = (await messageNow(s, conversationId, messageId)).media;
  assert.equal(media.status, 'failed');
  assert.match(media.error, /no longer available/);
});

test('a checksum that does not match fails the file', async () => {
  s.fake.addMedia('MID-SHA', Buffer.from('real bytes'), 'image/jpeg');
  const { conversationId, messageId } = await receivedImage('MID-SHA', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  await s.outbox().runOnce();
  const media = (await messageNow(s, conversationId, messageId)).media;
  assert.equal(media.status, 'failed');
  assert.match(media.error, /SHA-256/);
});

test('after the last transient failure the file is failed with the reason', async () => {
  s.fake.addMedia('MID-DOWN', Buffer.from('x'), 'image/jpeg');
  const { conversationId, messageId } = await receivedImage('MID-DOWN');
  await s.h.ctx.db
    .updateTable('channel_jobs')
    .set({ attempt_count: MAX_ATTEMPTS - 1 })
    .execute();
  s.fake.next({ method: 'GET', pathEndsWith: '/MID-DOWN' }, metaError(500, 131016, '(#131016) Service unavailable'));
  await s.outbox().runOnce();
  const media = (await messageNow(s, conversationId, messageId)).media;
  assert.equal(media.status, 'failed');
  assert.equal(media.error, '131016: Service unavailable');
  assert.deepEqual(await jobsLeft(s), []);
});
