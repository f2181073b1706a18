import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { UNKNOWN_ID, assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create } from '../helpers/resources.ts';
import { drain, startReceiver, testDispatcher } from '../helpers/receiver.ts';

let h: Harness;
let webhookId: string;
before(async () => {
  // As in production: private and loopback targets are refused.
  h = await startHarness({ allowPrivateWebhooks: false });
  webhookId = (await create(h, 'webhooks', { url: 'https://crm.example.com/hook', events: ['contact.created'] })).id;
});
after(async () => {
  await h?.close();
});

const valid = () => ({ url: 'https://crm.example.com/hook', events: ['contact.created'] });

test('POST and PATCH /webhooks refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'webhooks', valid());
  await assertRefusesBadBodies(h, 'PATCH', `webhooks/${webhookId}`, { name: 'x' });
  assertError(await call(h, 'PATCH', `/api/v1/webhooks/${webhookId}`, { body: {} }), 400, { code: 'validation_failed' });
});

test('missing or wrong fields, unknown events and bad URLs are refused naming the field', async () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ events: ['contact.created'] }, 'url'],
    [{ url: 'https://x.example.com' }, 'events'],
    [{ ...valid(), events: [] }, 'events'],
    [{ ...valid(), events: ['chat.message.created'] }, 'events'],
    [{ ...valid(), events: ['webhook.test'] }, 'events'],
    [{ ...valid(), events: ['contact.created', 'contact.created'] }, 'events'],
    [{ ...valid(), status: 'stopped' }, 'status'],
    [{ ...valid(), name: '' }, 'name'],
    [{ ...valid(), url: 'ftp://x.example.com/' }, 'url'],
    [{ ...valid(), url: 'not a url' }, 'url'],
    [{ ...valid(), url: 'https://user:pw@x.example.com/' }, 'url'],
    [{ ...valid(), url: 'http://127.0.0.1:8080/hook' }, 'url'],
    [{ ...valid(), url: 'http://localhost/hook' }, 'url'],
    [{ ...valid(), url: 'http://10.0.0.5/hook' }, 'url'],
    [{ ...valid(), url: 'http://[::1]/hook' }, 'url'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/webhooks', { body });
    assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.body}`);
    assert.ok(
      Object.keys(res.json.error.details.fields ?? {}).some((f) => f.startsWith(field)),
      `${JSON.stringify(body)} → ${res.body}`,
    );
  }
  const privateUrl = await call(h, 'PATCH', `/api/v1/webhooks/${webhookId}`, { body: { url: 'http://192.168.1.1/' } });
  assertError(privateUrl, 400, { reason: 'invalid_webhook_url' });
  assert.match(privateUrl.json.error.message, /CONVERSAS_ALLOW_PRIVATE_WEBHOOKS/);
  assert.equal((await call(h, 'GET', `/api/v1/webhooks/${webhookId}`)).json.url, 'https://crm.example.com/hook', 'nothing changed');
});

test('item routes refuse malformed ids (400) and unknown ids (404), the delivery routes too', async () => {
  await assertIdParams(h, 'webhooks', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
  assertError(await call(h, 'GET', `/api/v1/webhooks/${UNKNOWN_ID}/deliveries`), 404, { reason: 'webhook_not_found' });
  assertError(await call(h, 'GET', '/api/v1/webhooks/nope/deliveries'), 400, { code: 'validation_failed' });
  assertError(await call(h, 'POST', `/api/v1/webhooks/${webhookId}/deliveries/${UNKNOWN_ID}/retry`), 404, { reason: 'delivery_not_found' });
  assertError(await call(h, 'POST', `/api/v1/webhooks/${UNKNOWN_ID}/deliveries/${UNKNOWN_ID}/retry`), 404, { reason: 'webhook_not_found' });
  assertError(await call(h, 'POST', `/api/v1/webhooks/${webhookId}/deliveries/nope/retry`), 400, { code: 'validation_failed' });
});

test('list queries refuse malformed cursors, bad limits and unknown parameters', async () => {
  await assertRefusesBadListQueries(h, 'webhooks');
  await assertRefusesBadListQueries(h, `webhooks/${webhookId}/deliveries`);
});

test('retrying a delivery that is not failed or retrying is 409; one of another webhook is 404', async () => {
  const loopback = await startHarness();
  const receiver = await startReceiver();
  try {
    const webhook = await create(loopback, 'webhooks', { url: receiver.url, events: ['contact.created'] });
    const other = await create(loopback, 'webhooks', { url: receiver.url, events: ['contact.updated'] });
    await inbound(loopback, { phone: '5511950004001' });
    const [pending] = (await call(loopback, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
    assertError(await call(loopback, 'POST', `/api/v1/webhooks/${webhook.id}/deliveries/${pending.id}/retry`), 409, { reason: 'delivery_not_retryable' });
    await drain(testDispatcher(loopback, { now: Date.now() }));
    const [delivered] = (await call(loopback, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
    assert.equal(delivered.status, 'success');
    assertError(await call(loopback, 'POST', `/api/v1/webhooks/${webhook.id}/deliveries/${delivered.id}/retry`), 409, { reason: 'delivery_not_retryable' });
    assertError(await call(loopback, 'POST', `/api/v1/webhooks/${other.id}/deliveries/${delivered.id}/retry`), 404, { reason: 'delivery_not_found' });
  } finally {
    await receiver.close();
    await loopback.close();
  }
});
