import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ allowPrivateWebhooks: false });
});
after(async () => {
  await h?.close();
});

const valid = { name: 'ok', url: 'https://hooks.example.com/x', events: ['chat.conversation.created'] };

test('refused input names the field', async () => {
  const post = (body: unknown) => juri(h, 'POST', '/webhooks', { body });
  assert.match(fastifyError(await post({ ...valid, url: 'ftp://example.com/x' }), 400), /url/);
  assert.match(fastifyError(await post({ ...valid, url: 'not a url' }), 400), /url/);
  assert.match(fastifyError(await post({ ...valid, url: 'http://127.0.0.1:9000/x' }), 400), /url.*(private|loopback)/);
  assert.match(fastifyError(await post({ ...valid, url: 'http://10.0.0.5/x' }), 400), /url/);
  assert.match(fastifyError(await post({ ...valid, url: 'http://localhost/x' }), 400), /url/);
  assert.match(fastifyError(await post({ ...valid, events: [] }), 400), /events/);
  assert.match(fastifyError(await post({ ...valid, events: ['crm.lead.created'] }), 400), /events/);
  assert.match(fastifyError(await post({ ...valid, name: '' }), 400), /name/);
  assert.match(fastifyError(await post({ ...valid, name: 'x'.repeat(101) }), 400), /name/);
  assert.match(fastifyError(await post({ ...valid, description: 'x'.repeat(501) }), 400), /description/);
  assert.match(fastifyError(await post({ ...valid, headers: { 'bad header': 'x' } }), 400), /headers/);
  assert.match(fastifyError(await post({ name: 'x', events: valid.events }), 400), /url: Required/);
  assert.match(fastifyError(await juri(h, 'GET', '/webhooks/nope'), 400), /webhookId/);
  assert.match(fastifyError(await juri(h, 'GET', `/webhooks/${newId()}`), 404), /Webhook/);
  assert.match(fastifyError(await juri(h, 'GET', `/webhooks/${newId()}/deliveries`, {}), 404), /Webhook/);
  assert.match(fastifyError(await juri(h, 'POST', `/webhooks/deliveries/${newId()}/retry`), 404), /Delivery/);
  const w = (await post(valid)).json;
  assert.match(fastifyError(await juri(h, 'GET', `/webhooks/${w.id}/deliveries`, { query: { limit: '101' } }), 400), /limit/);
  assert.match(fastifyError(await juri(h, 'GET', `/webhooks/${w.id}/deliveries`, { query: { status: 'DONE' } }), 400), /status/);
  assert.match(fastifyError(await juri(h, 'PATCH', `/webhooks/${w.id}`, { body: { secret: 'mine' } }), 400), /secret/);
  assert.match(fastifyError(await juri(h, 'PATCH', `/webhooks/${w.id}`, { body: { url: 'http://192.168.1.1/' } }), 400), /url/);
  await juri(h, 'PATCH', `/webhooks/${w.id}`, { body: { isActive: false } });
  assert.match(fastifyError(await juri(h, 'POST', `/webhooks/${w.id}/test`), 409), /paused/);
});

test('another workspace sees none of it', async () => {
  const w = (await juri(h, 'POST', '/webhooks', { body: valid })).json;
  const delivery = (await juri(h, 'POST', `/webhooks/${w.id}/test`)).json.deliveryId;
  const key = h.other.apiKey;
  for (const [method, url, body] of [
    ['GET', `/webhooks/${w.id}`],
    ['PATCH', `/webhooks/${w.id}`, { name: 'x' }],
    ['DELETE', `/webhooks/${w.id}`],
    ['POST', `/webhooks/${w.id}/test`],
    ['GET', `/webhooks/${w.id}/deliveries`],
    ['POST', `/webhooks/deliveries/${delivery}/retry`],
  ] as const) {
    const res = await juri(h, method, url, { key, ...(body ? { body } : {}) });
    assert.equal(res.status, 404, `${method} ${url}: ${res.body}`);
  }
  assert.deepEqual((await juri(h, 'GET', '/webhooks', { key })).json, []);
  assert.equal((await juri(h, 'GET', `/webhooks/${w.id}`)).status, 200, 'still there for its owner');
});
