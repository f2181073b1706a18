import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../../helpers/harness.ts';
import { assertError, assertForeignIs404, listAll, UNKNOWN_ID } from '../../helpers/resources.ts';
import { FakeGraph } from '../../helpers/fake-graph.ts';
import { createWhatsApp, deliver, webhookLog, wamid, nowSec, type WaChannel } from './wa-helpers.ts';
import { metaEnvelope, inboundText } from './meta-payloads.ts';

let h: Harness;
let fake: FakeGraph;
let channel: WaChannel;
before(async () => {
  h = await startHarness();
  fake = await FakeGraph.start();
  fake.templates = [{ name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [] }];
  channel = await createWhatsApp(h, { wabaId: '102290129340398', graphApiUrl: fake.url });
  await deliver(
    h,
    channel,
    metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987654000', id: wamid('sec'), body: 'segredo', timestamp: nowSec() })),
  );
});
after(async () => {
  await fake?.close();
  await h?.close();
});

test("another workspace's key gets 404 for GET, PATCH and DELETE of a WhatsApp channel, and nothing changes", async () => {
  await assertForeignIs404(h, 'channels', channel.id, ['GET', 'PATCH', 'DELETE'], { name: 'Stolen', config: { appSecret: 'stolen-secret' } });
  const own = await call(h, 'GET', `/api/v1/channels/${channel.id}`);
  assert.equal(own.json.name, 'WhatsApp');
  assert.equal(own.json.config.appSecret, `••••${channel.appSecret.slice(-4)}`);
});

test("another workspace's key gets 404 for the templates of this channel, as for an unknown id; Meta is never asked", async () => {
  const before = fake.requests.length;
  const foreign = await call(h, 'GET', `/api/v1/channels/${channel.id}/templates`, { key: h.other.apiKey });
  assertError(foreign, 404);
  const unknown = await call(h, 'GET', `/api/v1/channels/${UNKNOWN_ID}/templates`, { key: h.other.apiKey });
  assertError(unknown, 404);
  assert.equal(foreign.json.error.message.replace(channel.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  assert.equal(fake.requests.length, before, 'no Graph request for a foreign channel');
  const own = await call(h, 'GET', `/api/v1/channels/${channel.id}/templates`);
  assert.equal(own.status, 200, own.body);
});

test("another workspace's key gets 404 for the webhook log of this channel, as for an unknown id", async () => {
  const foreign = await webhookLog(h, channel.id, {}, h.other);
  assertError(foreign, 404);
  assert.ok(!foreign.body.includes('segredo'), 'nothing of the payload leaks');
  const unknown = await webhookLog(h, UNKNOWN_ID, {}, h.other);
  assertError(unknown, 404);
  assert.equal(foreign.json.error.message.replace(channel.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  const own = await webhookLog(h, channel.id);
  assert.equal(own.status, 200);
  assert.equal(own.json.data.length, 1);
});

test("the other workspace's lists never show the channel or what it received", async () => {
  assert.ok(!(await listAll(h, 'channels', { ws: h.other })).some((c) => c.id === channel.id));
  assert.ok(!(await listAll(h, 'conversations', { ws: h.other })).some((c) => c.channelId === channel.id));
  assert.ok(!(await listAll(h, 'people', { ws: h.other })).some((p) => p.phoneNumber === '5511987654000'));
});

test('templates and webhook log need a valid bearer key', async () => {
  assertError(await call(h, 'GET', `/api/v1/channels/${channel.id}/templates`, { key: null }), 401);
  assertError(await call(h, 'GET', `/api/v1/channels/${channel.id}/webhook-log`, { key: 'cvs_live_nope' }), 401);
});

test("the webhook endpoint takes no API key: a workspace key does not replace Meta's signature", async () => {
  const res = await h.app.inject({
    method: 'POST',
    url: `/webhooks/whatsapp/${channel.id}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.ws.apiKey}` },
    payload: JSON.stringify(metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987654001', id: wamid('key'), body: 'x' }))),
  });
  assert.equal(res.statusCode, 401);
});
