import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { events, listAll } from '../helpers/resources.ts';
import { FakeGraph } from '../helpers/fake-graph.ts';
import { createWhatsApp, conversationsOf, deliver, nowSec, wamid, type WaChannel } from '../channels/whatsapp/wa-helpers.ts';
import { inboundText, metaEnvelope } from '../channels/whatsapp/meta-payloads.ts';
import { SERVICE_WINDOW_MS } from '../../src/channels/whatsapp/kind.ts';

/** `serviceWindowClosesAt` on the native conversation: when a WhatsApp channel's 24-hour window closes; null without a window. */

let h: Harness;
let fake: FakeGraph;
let channel: WaChannel;
before(async () => {
  h = await startHarness();
  fake = await FakeGraph.start();
  channel = await createWhatsApp(h, { wabaId: '102290129340398', graphApiUrl: fake.url });
});
after(async () => {
  await fake?.close();
  await h?.close();
});

async function whatsAppConversation(from: string, timestamp: string) {
  await deliver(h, channel, metaEnvelope(channel.phoneNumberId, inboundText({ from, id: wamid('win'), body: 'Olá', timestamp })));
  const conversation = (await conversationsOf(h, channel.id)).find((c) => c.personId && c.lastMessageAt === new Date(Number(timestamp) * 1000).toISOString());
  assert.ok(conversation, 'the conversation of the inbound message');
  return conversation;
}

test('a sandbox conversation has no window: null on list, get, transitions and events', async () => {
  const { conversationId } = await inbound(h, { name: 'Sem Janela' });
  const listed = (await listAll(h, 'conversations')).find((c) => c.id === conversationId);
  assert.equal(listed.serviceWindowClosesAt, null);
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.serviceWindowClosesAt, null);
  const handed = await call(h, 'POST', `/api/v1/conversations/${conversationId}/handoff`, { body: {} });
  assert.equal(handed.status, 200, handed.body);
  assert.equal(handed.json.conversation.serviceWindowClosesAt, null);
  const feed = await call(h, 'GET', '/api/v1/events?types=message.created&limit=100');
  const created = feed.json.data.find((e: any) => e.conversationId === conversationId);
  assert.equal(created.payload.conversation.serviceWindowClosesAt, null);
});

test('a WhatsApp conversation closes 24 h after the person last wrote, in every answer and in the feed', async () => {
  const timestamp = nowSec(-60);
  const conversation = await whatsAppConversation('5511987650001', timestamp);
  const expected = new Date(Number(timestamp) * 1000 + SERVICE_WINDOW_MS).toISOString();
  assert.equal(conversation.serviceWindowClosesAt, expected);
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversation.id}`)).json.serviceWindowClosesAt, expected);
  const read = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/read`);
  assert.equal(read.json.serviceWindowClosesAt, expected);
  const resolved = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/resolve`);
  assert.equal(resolved.json.conversation.serviceWindowClosesAt, expected);
  const feed = await call(h, 'GET', '/api/v1/events?types=message.created&limit=100');
  const created = feed.json.data.find((e: any) => e.conversationId === conversation.id);
  assert.equal(created.payload.conversation.serviceWindowClosesAt, expected, 'the event carries the window opened by its message');
  const stored = (await events(h, 'message.created')).find((e) => e.conversationId === conversation.id);
  assert.equal(stored.payload.conversation.lastInboundAt, Number(timestamp) * 1000);
});

test('a newer inbound message moves the window; an outbound one does not', async () => {
  const first = nowSec(-7200);
  const conversation = await whatsAppConversation('5511987650002', first);
  assert.equal(conversation.serviceWindowClosesAt, new Date(Number(first) * 1000 + SERVICE_WINDOW_MS).toISOString());
  const sent = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { body: { message: 'Oi!' } });
  assert.equal(sent.status, 201, sent.body);
  const afterSend = await call(h, 'GET', `/api/v1/conversations/${conversation.id}`);
  assert.equal(afterSend.json.serviceWindowClosesAt, conversation.serviceWindowClosesAt);
  const second = nowSec(-10);
  await deliver(h, channel, metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987650002', id: wamid('win'), body: 'De novo', timestamp: second })));
  const moved = await call(h, 'GET', `/api/v1/conversations/${conversation.id}`);
  assert.equal(moved.json.serviceWindowClosesAt, new Date(Number(second) * 1000 + SERVICE_WINDOW_MS).toISOString());
});

test('a closed window is in the past: free-form text is refused (409), a template is sent', async () => {
  const conversation = await whatsAppConversation('5511987650003', nowSec(-25 * 3600));
  assert.ok(Date.parse(conversation.serviceWindowClosesAt) < Date.now(), 'closed an hour ago');
  const text = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { body: { message: 'Oi' } });
  assert.equal(text.status, 409, text.body);
  assert.equal(text.json.error.code, 'outside_service_window');
  const template = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/messages`, {
    body: { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
  });
  assert.equal(template.status, 201, template.body);
});
