import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertKeys, assertTimes, create, listAll } from '../helpers/resources.ts';
import { startReceiver, testDispatcher, drain } from '../helpers/receiver.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const WEBHOOK_KEYS = ['id', 'name', 'url', 'events', 'status', 'secretHint', 'createdAt', 'updatedAt'];
const DELIVERY_KEYS = [
  'id',
  'webhookId',
  'eventId',
  'type',
  'status',
  'attempts',
  'responseCode',
  'error',
  'durationMs',
  'nextAttemptAt',
  'createdAt',
  'updatedAt',
];

function verifyStandardWebhooks(secret: string, headers: Record<string, unknown>, raw: Buffer) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${raw.toString('utf8')}`;
  assert.equal(headers['webhook-signature'], `v1,${createHmac('sha256', key).update(signed).digest('base64')}`, 'Standard Webhooks signature');
}

describe('webhook management', () => {
  test('create shows the secret once; reads show a hint; list, get, pause, resume, rename, delete', async () => {
    const created = await create(h, 'webhooks', { url: 'https://crm.example.com/hook', events: ['conversation.created', 'message.created'] });
    assertKeys(created, [...WEBHOOK_KEYS, 'secret']);
    assertTimes(created, 'createdAt', 'updatedAt');
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.secretHint, `••••${created.secret.slice(-4)}`);
    assert.equal(created.name, 'crm.example.com', 'named after the host when no name is given');
    assert.equal(created.status, 'active');
    assert.deepEqual(created.events, ['conversation.created', 'message.created']);

    const { secret: _secret, ...shown } = created;
    const one = await call(h, 'GET', `/api/v1/webhooks/${created.id}`);
    assert.equal(one.status, 200, one.body);
    assert.deepEqual(one.json, shown);
    const listed = (await listAll(h, 'webhooks')).find((w) => w.id === created.id);
    assert.deepEqual(listed, shown);
    assert.ok(!JSON.stringify(await listAll(h, 'webhooks')).includes(created.secret), 'no read carries the secret');

    const paused = await call(h, 'PATCH', `/api/v1/webhooks/${created.id}`, { body: { status: 'paused', name: 'CRM', events: ['contact.created'] } });
    assert.equal(paused.status, 200, paused.body);
    assertKeys(paused.json, WEBHOOK_KEYS);
    assert.equal(paused.json.status, 'paused');
    assert.equal(paused.json.name, 'CRM');
    assert.deepEqual(paused.json.events, ['contact.created']);
    const resumed = await call(h, 'PATCH', `/api/v1/webhooks/${created.id}`, { body: { status: 'active', url: 'https://crm.example.com/v2' } });
    assert.equal(resumed.json.status, 'active');
    assert.equal(resumed.json.url, 'https://crm.example.com/v2');
    assert.equal(resumed.json.secretHint, created.secretHint, 'the secret stays');

    const deleted = await call(h, 'DELETE', `/api/v1/webhooks/${created.id}`);
    assert.equal(deleted.status, 204, deleted.body);
    assert.equal((await call(h, 'GET', `/api/v1/webhooks/${created.id}`)).status, 404);
    assert.ok(!(await listAll(h, 'webhooks')).some((w) => w.id === created.id));
  });

  test('a named, paused webhook is created paused; the list pages by id', async () => {
    const paused = await create(h, 'webhooks', { url: 'https://a.example.com/', events: ['contact.created'], name: ' Paused one ', status: 'paused' });
    assert.equal(paused.status, 'paused');
    assert.equal(paused.name, 'Paused one');
    await create(h, 'webhooks', { url: 'https://b.example.com/', events: ['contact.created'] });
    await create(h, 'webhooks', { url: 'https://c.example.com/', events: ['contact.created'] });
    const all = await listAll(h, 'webhooks');
    const paged = await listAll(h, 'webhooks', { limit: 2 });
    assert.deepEqual(
      paged.map((w) => w.id),
      all.map((w) => w.id),
    );
    assert.deepEqual(
      all.map((w) => w.id),
      all.map((w) => w.id).sort(),
    );
    for (const w of all) await call(h, 'DELETE', `/api/v1/webhooks/${w.id}`);
  });

  test('webhooks are listed in the OpenAPI document under the webhooks tag', async () => {
    const doc = (await call(h, 'GET', '/openapi.json')).json;
    assert.equal(doc.paths['/api/v1/webhooks'].post.operationId, 'createWebhook');
    assert.equal(doc.paths['/api/v1/webhooks/{id}/deliveries'].get.operationId, 'listWebhookDeliveries');
    assert.equal(doc.paths['/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry'].post.operationId, 'retryWebhookDelivery');
    assert.deepEqual(doc.paths['/api/v1/webhooks/{id}'].patch.tags, ['webhooks']);
  });
});

describe('deliveries', () => {
  test('the feed event arrives signed; a failing receiver shows in the log; retry sends the same bytes and id', async () => {
    const receiver = await startReceiver([500]);
    const clock = { now: Date.now() };
    const dispatcher = testDispatcher(h, clock);
    try {
      const webhook = await create(h, 'webhooks', { url: receiver.url, events: ['conversation.created'] });
      const paused = await create(h, 'webhooks', { url: receiver.url, events: ['conversation.created'], status: 'paused' });
      const { conversationId } = await inbound(h, { phone: '5511950001001', name: 'Webhook Person' });
      clock.now = Date.now();
      await drain(dispatcher);
      assert.equal(receiver.received.length, 1, 'one delivery: the paused webhook gets none');

      let log = await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`);
      assert.equal(log.status, 200, log.body);
      assert.equal(log.json.data.length, 1);
      const failed = log.json.data[0];
      assertKeys(failed, DELIVERY_KEYS);
      assert.equal(failed.webhookId, webhook.id);
      assert.equal(failed.type, 'conversation.created');
      assert.equal(failed.status, 'retrying');
      assert.equal(failed.attempts, 1);
      assert.equal(failed.responseCode, 500);
      assert.match(failed.error, /500/);
      assert.ok(Date.parse(failed.nextAttemptAt) > clock.now, 'the next attempt is later');
      assert.deepEqual((await call(h, 'GET', `/api/v1/webhooks/${paused.id}/deliveries`)).json, { data: [], nextCursor: null });

      const retried = await call(h, 'POST', `/api/v1/webhooks/${webhook.id}/deliveries/${failed.id}/retry`);
      assert.equal(retried.status, 200, retried.body);
      assertKeys(retried.json, DELIVERY_KEYS);
      assert.equal(retried.json.status, 'pending');
      clock.now = Date.now();
      await drain(dispatcher);
      assert.equal(receiver.received.length, 2);
      const [first, second] = receiver.received;
      assert.ok(first.body.equals(second.body), 'the retry sends the same bytes');
      assert.equal(first.headers['webhook-id'], failed.id);
      assert.equal(second.headers['webhook-id'], failed.id);
      verifyStandardWebhooks(webhook.secret, second.headers, second.body);

      // The body is the event as the feed lists it, without the cursor.
      const feed = await call(h, 'GET', '/api/v1/events', { query: { types: 'conversation.created', limit: '200' } });
      const event = feed.json.data.find((e: { id: string }) => e.id === second.json.id);
      assert.ok(event, 'the delivered event is in the feed');
      const { cursor: _cursor, ...withoutCursor } = event;
      assert.deepEqual(second.json, withoutCursor);
      assert.equal(second.json.conversationId, conversationId);

      log = await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`);
      const delivered = log.json.data[0];
      assert.equal(delivered.status, 'success');
      assert.equal(delivered.attempts, 2);
      assert.equal(delivered.responseCode, 200);
      assert.equal(delivered.nextAttemptAt, null);
    } finally {
      await receiver.close();
    }
  });

  test('the log is newest first and pages with nextCursor', async () => {
    const webhook = await create(h, 'webhooks', { url: 'https://log.example.com/', events: ['contact.created'] });
    for (let i = 0; i < 5; i++) await inbound(h, { phone: `551195000200${i}` });
    const all = (await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
    assert.equal(all.length, 5);
    const ids = all.map((d: { id: string }) => d.id);
    assert.deepEqual(ids, [...ids].sort().reverse(), 'newest first');
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      assert.equal(page.status, 200, page.body);
      assert.ok(page.json.data.length <= 2);
      walked.push(...page.json.data.map((d: { id: string }) => d.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(walked, ids);
  });

  test('deleting a webhook cancels what it had still to send', async () => {
    const webhook = await create(h, 'webhooks', { url: 'https://gone.example.com/', events: ['contact.created'] });
    await inbound(h, { phone: '5511950003001' });
    const before = (await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
    assert.equal(before[0].status, 'pending');
    assert.equal((await call(h, 'DELETE', `/api/v1/webhooks/${webhook.id}`)).status, 204);
    const row = await h.store.db.selectFrom('deliveries').select('status').where('id', '=', before[0].id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'CANCELLED');
  });
});
