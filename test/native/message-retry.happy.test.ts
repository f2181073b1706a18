import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { eventsOf } from '../helpers/fixtures.ts';
import { metaError } from '../helpers/fake-graph.ts';
import { deliver } from '../channels/whatsapp/wa-helpers.ts';
import { statusUpdate } from '../channels/whatsapp/meta-payloads.ts';
import {
  agentSends,
  jobsLeft,
  messageNow,
  metaBody,
  personWrites,
  signedChannel,
  startWhatsApp,
  type WhatsAppSetup,
} from '../channels/whatsapp/outbox-setup.ts';

/** POST /conversations/{id}/messages/{messageId}/retry: a failed outbound message goes again through its channel. */

const retry = (h: Harness, conversationId: string, messageId: string) => call(h, 'POST', `/api/v1/conversations/${conversationId}/messages/${messageId}/retry`);

describe('sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  /** A sent message the sandbox network then reports failed with `error`. */
  async function failedMessage(error = '131026: Message undeliverable') {
    const { conversationId } = await inbound(h);
    const sent = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'Seu pedido saiu' } });
    assert.equal(sent.status, 201, sent.body);
    const receipt = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, {
      body: { externalId: sent.json.externalId, status: 'failed', error },
    });
    assert.equal(receipt.status, 200, receipt.body);
    assert.equal(receipt.json.message.externalStatus, 'failed');
    assert.equal(receipt.json.message.errorMessage, error);
    return { conversationId, message: sent.json };
  }

  test('a failed message is sent again: the same message, sent at once by the sandbox, its error cleared, message.updated emitted', async () => {
    const { conversationId, message } = await failedMessage();
    const res = await retry(h, conversationId, message.id);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.id, message.id);
    assert.equal(res.json.content, 'Seu pedido saiu');
    assert.equal(res.json.messageAt, message.messageAt, 'it keeps its place in the history');
    assert.equal(res.json.externalStatus, 'sent');
    assert.equal(res.json.externalId, `sandbox.${message.id}`);
    assert.equal(res.json.errorMessage, null);
    const listed = (await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`)).json.data;
    assert.equal(listed.filter((m: { content: string }) => m.content === 'Seu pedido saiu').length, 1, 'not a second message');
    assert.deepEqual(
      listed.find((m: { id: string }) => m.id === message.id),
      res.json,
    );
    const last = (await eventsOf(h, conversationId)).at(-1)!;
    assert.equal(last.type, 'message.updated');
    assert.equal(last.payload.message.id, message.id);
    assert.equal(last.payload.message.externalStatus, 'sent');
    assert.equal(last.payload.message.errorMessage, null);
    assert.equal(last.payload.previousExternalStatus, 'failed');
  });

  test('the retried message follows receipts as before; failing again, it can be retried again', async () => {
    const { conversationId, message } = await failedMessage();
    assert.equal((await retry(h, conversationId, message.id)).status, 200);
    const delivered = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: message.externalId, status: 'delivered' } });
    assert.equal(delivered.json.message.externalStatus, 'delivered');

    const other = await failedMessage('first');
    assert.equal((await retry(h, other.conversationId, other.message.id)).status, 200);
    await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: other.message.externalId, status: 'failed', error: 'second' } });
    const again = await retry(h, other.conversationId, other.message.id);
    assert.equal(again.status, 200, again.body);
    assert.equal(again.json.errorMessage, null);
  });

  test('two retries at once: one sends, the other is 409 not_failed', async () => {
    const { conversationId, message } = await failedMessage();
    const before = (await eventsOf(h, conversationId)).length;
    const answers = await Promise.all([retry(h, conversationId, message.id), retry(h, conversationId, message.id)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    assert.equal(answers.find((a) => a.status === 409)!.json.error.code, 'not_failed', answers.map((a) => a.body).join('\n'));
    const updates = (await eventsOf(h, conversationId)).slice(before).filter((e) => e.type === 'message.updated');
    assert.equal(updates.length, 1, 'sent again once');
  });
});

describe('WhatsApp', () => {
  let s: WhatsAppSetup;
  const onMessages = { method: 'POST', pathEndsWith: '/messages' };
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

  /** A message Meta refused: failed with Meta's reason, its job gone. */
  async function refusedMessage(text = 'Olá de novo') {
    const { conversationId } = await personWrites(s);
    s.fake.next(onMessages, metaError(400, 131026, '(#131026) Message undeliverable'));
    const sent = await agentSends(s, conversationId, { type: 'text', message: text });
    await s.outbox().runOnce();
    const failed = await messageNow(s, conversationId, sent.id);
    assert.equal(failed.externalStatus, 'failed');
    assert.match(failed.errorMessage, /131026/);
    assert.deepEqual(await jobsLeft(s), []);
    s.fake.requests.length = 0;
    return { conversationId, message: failed };
  }

  test('a refused message goes back to pending with a new send job; the outbox sends it once and it is sent with a wamid', async () => {
    const { conversationId, message } = await refusedMessage();
    const res = await retry(s.h, conversationId, message.id);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.externalStatus, 'pending');
    assert.equal(res.json.errorMessage, null);
    assert.equal(res.json.externalId, null);
    const jobs = await jobsLeft(s);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].message_id, message.id);
    assert.equal(jobs[0].kind, 'send');
    assert.equal(await s.outbox().runOnce(), 1);
    const sent = s.fake.sent();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].biz_opaque_callback_data, message.id);
    assert.deepEqual(sent[0].text, { body: 'Olá de novo', preview_url: false });
    const now = await messageNow(s, conversationId, message.id);
    assert.equal(now.externalStatus, 'sent');
    assert.match(now.externalId, /^wamid\./);
    assert.equal(await s.outbox().runOnce(), 0, 'nothing is sent twice');
  });

  test('a message Meta reported failed after sending is sent again with a new wamid', async () => {
    const { conversationId } = await personWrites(s);
    const sent = await agentSends(s, conversationId, { type: 'text', message: 'vai falhar depois' });
    await s.outbox().runOnce();
    const first = await messageNow(s, conversationId, sent.id);
    await deliver(s.h, signedChannel(s), metaBody(statusUpdate({ id: first.externalId, status: 'failed', recipientId: '5511987600000' })));
    const failed = await messageNow(s, conversationId, sent.id);
    assert.equal(failed.externalStatus, 'failed');
    const res = await retry(s.h, conversationId, sent.id);
    assert.equal(res.status, 200, res.body);
    await s.outbox().runOnce();
    const now = await messageNow(s, conversationId, sent.id);
    assert.equal(now.externalStatus, 'sent');
    assert.notEqual(now.externalId, first.externalId);
  });

  test('two retries at once queue one send; the second is 409 not_failed', async () => {
    const { conversationId, message } = await refusedMessage();
    const answers = await Promise.all([retry(s.h, conversationId, message.id), retry(s.h, conversationId, message.id)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    assert.equal((await jobsLeft(s)).length, 1);
    await s.outbox().runOnce();
    assert.equal(s.fake.sent().length, 1);
  });
});
