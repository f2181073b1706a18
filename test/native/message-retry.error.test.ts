import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, UNKNOWN_ID } from '../helpers/resources.ts';
import { metaError } from '../helpers/fake-graph.ts';
import { agentSends, jobsLeft, messageNow, personWrites, startWhatsApp, type WhatsAppSetup } from '../channels/whatsapp/outbox-setup.ts';

/** What POST /conversations/{id}/messages/{messageId}/retry refuses. */

const retryUrl = (conversationId: string, messageId: string) => `/api/v1/conversations/${conversationId}/messages/${messageId}/retry`;

describe('sandbox', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });

  test('a message that did not fail is 409 not_failed and is left as it was: sent, delivered, inbound, a note', async () => {
    const { conversationId, messageId: inboundId } = await inbound(h);
    const url = `/api/v1/conversations/${conversationId}/messages`;
    const sent = (await call(h, 'POST', url, { body: { message: 'enviada' } })).json;
    const delivered = (await call(h, 'POST', url, { body: { message: 'entregue' } })).json;
    await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: delivered.externalId, status: 'delivered' } });
    const note = (await call(h, 'POST', url, { body: { message: 'nota', internal: true } })).json;
    for (const id of [sent.id, delivered.id, inboundId, note.id]) {
      const before = (await call(h, 'GET', url)).json.data.find((m: { id: string }) => m.id === id);
      const res = await call(h, 'POST', retryUrl(conversationId, id));
      assertError(res, 409, { code: 'not_failed', reason: 'not_failed' });
      assert.match(res.json.error.message, /failed/);
      const after = (await call(h, 'GET', url)).json.data.find((m: { id: string }) => m.id === id);
      assert.deepEqual(after, before);
    }
  });

  test('an unknown message, or one of another conversation, is 404 message_not_found; an unknown conversation 404 conversation_not_found', async () => {
    const a = await inbound(h);
    const b = await inbound(h);
    const sentInB = (await call(h, 'POST', `/api/v1/conversations/${b.conversationId}/messages`, { body: { message: 'b' } })).json;
    await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: sentInB.externalId, status: 'failed', error: 'x' } });
    assertError(await call(h, 'POST', retryUrl(a.conversationId, UNKNOWN_ID)), 404, { reason: 'message_not_found' });
    assertError(await call(h, 'POST', retryUrl(a.conversationId, sentInB.id)), 404, { reason: 'message_not_found' });
    assertError(await call(h, 'POST', retryUrl(UNKNOWN_ID, sentInB.id)), 404, { reason: 'conversation_not_found' });
  });

  test('malformed ids are 400 naming the field; a body is refused', async () => {
    const { conversationId, messageId } = await inbound(h);
    const badMessage = await call(h, 'POST', retryUrl(conversationId, 'nope'));
    assertError(badMessage, 400, { code: 'validation_failed' });
    assert.ok(JSON.stringify(badMessage.json.error.details.fields).includes('messageId'), badMessage.body);
    const badConversation = await call(h, 'POST', retryUrl('nope', messageId));
    assertError(badConversation, 400, { code: 'validation_failed' });
    assert.ok(JSON.stringify(badConversation.json.error.details.fields).includes('id'), badConversation.body);
  });

  test('without a key: 401', async () => {
    const { conversationId, messageId } = await inbound(h);
    assert.equal((await call(h, 'POST', retryUrl(conversationId, messageId), { key: null })).status, 401);
  });
});

describe('WhatsApp', () => {
  let s: WhatsAppSetup;
  before(async () => {
    s = await startWhatsApp();
  });
  after(async () => {
    await s?.close();
  });

  test('outside the 24-hour window a retry is 409 outside_service_window, like a send; the message stays failed, nothing is queued', async () => {
    const { conversationId } = await personWrites(s);
    s.fake.next({ method: 'POST', pathEndsWith: '/messages' }, metaError(400, 131026, '(#131026) Message undeliverable'));
    const sent = await agentSends(s, conversationId, { type: 'text', message: 'tarde demais' });
    await s.outbox().runOnce();
    assert.equal((await messageNow(s, conversationId, sent.id)).externalStatus, 'failed');
    // The person wrote 25 hours ago.
    await s.h.ctx.db
      .updateTable('conversations')
      .set({ last_inbound_at: Date.now() - 25 * 3_600_000 })
      .where('id', '=', conversationId)
      .execute();
    const res = await call(s.h, 'POST', retryUrl(conversationId, sent.id));
    assertError(res, 409, { code: 'outside_service_window' });
    const now = await messageNow(s, conversationId, sent.id);
    assert.equal(now.externalStatus, 'failed');
    assert.match(now.errorMessage, /131026/);
    assert.deepEqual(await jobsLeft(s), []);
  });

  test('a message whose send is in flight (its job `sending`) is 409 send_in_progress', async () => {
    const { conversationId } = await personWrites(s);
    const sent = await agentSends(s, conversationId, { type: 'text', message: 'em voo' });
    // A status reported it failed while its send job was still claimed.
    await s.h.ctx.db
      .updateTable('channel_jobs')
      .set({ state: 'sending', locked_until: Date.now() + 60_000 })
      .where('message_id', '=', sent.id)
      .execute();
    await s.h.ctx.db.updateTable('messages').set({ external_status: 'failed', error_message: 'x' }).where('id', '=', sent.id).execute();
    assertError(await call(s.h, 'POST', retryUrl(conversationId, sent.id)), 409, { code: 'send_in_progress' });
    await s.h.ctx.db.deleteFrom('channel_jobs').execute();
  });
});
