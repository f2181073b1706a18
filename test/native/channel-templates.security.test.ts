import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, create, UNKNOWN_ID } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';
import { FakeGraph } from '../helpers/fake-graph.ts';
import { createWhatsApp, type WaChannel } from '../channels/whatsapp/wa-helpers.ts';

/** Agents read the templates of their inboxes' WhatsApp channels (the composer offers them); every other channel route stays admin-only. */

let h: Harness;
let fake: FakeGraph;
let channel: WaChannel;
let otherInbox: string;
let otherChannel: WaChannel;
before(async () => {
  h = await startHarness();
  fake = await FakeGraph.start();
  fake.templates = [{ name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [] }];
  channel = await createWhatsApp(h, { wabaId: '102290129340398', graphApiUrl: fake.url });
  otherInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  const res = await call(h, 'POST', '/api/v1/channels', {
    body: {
      inboxId: otherInbox,
      kind: 'whatsapp',
      name: 'Vendas WA',
      config: { ...channelConfig(channel), phoneNumberId: `${channel.phoneNumberId}9` },
    },
  });
  assert.equal(res.status, 201, res.body);
  otherChannel = { ...channel, id: res.json.id, json: res.json };
});
after(async () => {
  await fake?.close();
  await h?.close();
});

function channelConfig(c: WaChannel) {
  return { accessToken: 'EAAGtest-access-token-9z8y', appSecret: c.appSecret, wabaId: '102290129340398', graphApiUrl: fake.url };
}

test("an agent of the channel's inbox reads its templates", async () => {
  const agent = await makeAgent(h, { inboxIds: [h.ws.inboxId] });
  const cookie = await signIn(h, agent.email, agent.password);
  const res = await asSession(h, cookie, 'GET', `/api/v1/channels/${channel.id}/templates`);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(
    res.json.data.map((t: any) => t.name),
    ['hello_world'],
  );
});

test('an agent of every inbox (no inboxIds) reads the templates of any channel of the workspace', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/channels/${otherChannel.id}/templates`)).status, 200);
});

test('an agent gets 404, as for an unknown id, for a channel of another inbox; Meta is never asked', async () => {
  const agent = await makeAgent(h, { inboxIds: [h.ws.inboxId] });
  const cookie = await signIn(h, agent.email, agent.password);
  const before = fake.requests.length;
  const hidden = await asSession(h, cookie, 'GET', `/api/v1/channels/${otherChannel.id}/templates`);
  assertError(hidden, 404);
  const unknown = await asSession(h, cookie, 'GET', `/api/v1/channels/${UNKNOWN_ID}/templates`);
  assertError(unknown, 404);
  assert.equal(hidden.json.error.message.replace(otherChannel.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
  assert.equal(fake.requests.length, before, 'no Graph request for a hidden channel');
});

test('an agent of no inbox sees no templates', async () => {
  const agent = await makeAgent(h, { inboxIds: [] });
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await asSession(h, cookie, 'GET', `/api/v1/channels/${channel.id}/templates`), 404);
});

test('the rest of /channels stays admin-only for agents, even for their own inbox', async () => {
  const agent = await makeAgent(h, { inboxIds: [h.ws.inboxId] });
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await asSession(h, cookie, 'GET', '/api/v1/channels'), 403);
  assertError(await asSession(h, cookie, 'GET', `/api/v1/channels/${channel.id}`), 403);
  assertError(await asSession(h, cookie, 'GET', `/api/v1/channels/${channel.id}/webhook-log`), 403);
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { name: 'x' } }), 403);
});

test("another workspace's key or agent gets 404 for the templates, as for an unknown id", async () => {
  assertError(await call(h, 'GET', `/api/v1/channels/${channel.id}/templates`, { key: h.other.apiKey }), 404);
  const outsider = await makeAgent(h, {}, h.other.apiKey);
  const cookie = await signIn(h, outsider.email, outsider.password);
  const foreign = await asSession(h, cookie, 'GET', `/api/v1/channels/${channel.id}/templates`);
  assertError(foreign, 404);
  const unknown = await asSession(h, cookie, 'GET', `/api/v1/channels/${UNKNOWN_ID}/templates`);
  assert.equal(foreign.json.error.message.replace(channel.id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
});

test('admins and API keys read the templates as before', async () => {
  assert.equal((await call(h, 'GET', `/api/v1/channels/${otherChannel.id}/templates`)).status, 200);
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/channels/${otherChannel.id}/templates`)).status, 200);
});
