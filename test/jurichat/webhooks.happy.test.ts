import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { startReceiver, testDispatcher, drain } from '../helpers/receiver.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const ALL_EVENTS = [
  'chat.conversation.created',
  'chat.conversation.updated',
  'chat.conversation.assigned',
  'chat.message.created',
  'chat.message.updated',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'webhook.test',
];

function verify(secret: string, headers: Record<string, unknown>, raw: Buffer) {
  const expected = `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('hex')}`;
  assert.equal(headers['x-jurichat-signature'], expected, 'X-JuriChat-Signature is HMAC-SHA256 over the exact bytes');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${raw.toString('utf8')}`;
  assert.equal(headers['webhook-signature'], `v1,${createHmac('sha256', key).update(signed).digest('base64')}`, 'Standard Webhooks signature');
  assert.equal(headers['webhook-id'], headers['x-jurichat-delivery']);
}

describe('webhook management', () => {
  test('create (secret once), events list, get one, list with stats, patch, delete', async () => {
    const created = await juri(h, 'POST', '/webhooks', {
      body: { name: 'CRM', url: 'https://crm.example.com/hook', events: ['chat.conversation.created'], description: 'sync', headers: { 'X-Env': 'test' } },
    });
    assert.equal(created.status, 200, created.body);
    const w = created.json;
    assert.deepEqual(Object.keys(w).sort(), [
      'createdAt',
      'description',
      'events',
      'headers',
      'id',
      'isActive',
      'name',
      'officeId',
      'secret',
      'updatedAt',
      'url',
    ]);
    assert.match(w.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(w.secret.slice(6), 'base64').length, 32);
    assert.equal(w.officeId, h.ws.workspaceId);
    assert.equal(w.isActive, true);
    assert.deepEqual(w.headers, { 'X-Env': 'test' });

    assert.deepEqual((await juri(h, 'GET', '/webhooks/events')).json, ALL_EVENTS);
    const one = await juri(h, 'GET', `/webhooks/${w.id}`);
    assert.deepEqual(one.json, w);
    const list = await juri(h, 'GET', '/webhooks/');
    const item = list.json.find((x: { id: string }) => x.id === w.id);
    assert.equal('secret' in item, false);
    assert.equal('headers' in item, false);
    assert.deepEqual(item.stats, { totalDeliveries: 0, successCount: 0, failedCount: 0, successRate: 0 });

    const patched = await juri(h, 'PATCH', `/webhooks/${w.id}`, {
      body: { events: ['contact.created', 'contact.updated'], description: null, headers: null, isActive: false },
    });
    assert.equal(patched.status, 200, patched.body);
    assert.deepEqual(patched.json.events, ['contact.created', 'contact.updated']);
    assert.equal(patched.json.description, null);
    assert.equal(patched.json.headers, null);
    assert.equal(patched.json.isActive, false);
    assert.equal('secret' in patched.json, false);

    assert.deepEqual((await juri(h, 'DELETE', `/webhooks/${w.id}`)).json, { success: true });
    assert.equal((await juri(h, 'GET', `/webhooks/${w.id}`)).status, 404);
  });
});

describe('deliveries to a real receiver', () => {
  test('conversation and message events arrive signed; a receiver that fails twice gets identical bytes and id on the third attempt', async () => {
    const receiver = await startReceiver([500, 503]);
    const clock = { now: Date.now() };
    const dispatcher = testDispatcher(h, clock);
    try {
      const chatEvents = ALL_EVENTS.filter((e) => e.startsWith('chat.'));
      const created = await juri(h, 'POST', '/webhooks', { body: { name: 'receiver', url: receiver.url, events: chatEvents, headers: { 'X-Extra': 'yes' } } });
      const secret = created.json.secret;
      const { conversationId } = await inbound(h, { phone: '5511950000001', name: 'Webhook Person', text: 'oi webhook' });
      clock.now = Date.now();

      await drain(dispatcher);
      assert.equal(receiver.received.length, 1, 'the first delivery failed and holds back the rest of the conversation');
      clock.now += 6_000;
      await drain(dispatcher);
      clock.now += 40_000;
      await drain(dispatcher);
      const first = receiver.received.slice(0, 3);
      assert.deepEqual(
        first.map((r) => r.headers['x-jurichat-delivery']),
        Array(3).fill(first[0].headers['x-jurichat-delivery']),
      );
      assert.ok(
        first.every((r) => r.body.equals(first[0].body)),
        'every retry sends the same bytes',
      );
      for (const r of receiver.received) verify(secret, r.headers, r.body);
      assert.equal(receiver.received[0].headers['x-extra'], 'yes');
      assert.match(String(receiver.received[0].headers['content-type']), /application\/json/);

      const events = receiver.received.slice(2).map((r) => r.json);
      assert.deepEqual(
        events.map((e) => e.event),
        ['chat.conversation.created', 'chat.message.created'],
      );
      const conversationCreated = events[0];
      assert.match(conversationCreated.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(Object.keys(conversationCreated.data).sort(), [
        'conversationId',
        'inboxId',
        'inboxName',
        'personId',
        'personName',
        'personPhone',
        'previousStatus',
        'priority',
        'status',
        'userId',
      ]);
      assert.equal(conversationCreated.data.conversationId, conversationId);
      assert.equal(conversationCreated.data.inboxName, 'Inbox');
      assert.equal(conversationCreated.data.personName, 'Webhook Person');
      assert.equal(conversationCreated.data.personPhone, '5511950000001');
      const messageCreated = events[1];
      assert.equal(messageCreated.data.conversationId, conversationId);
      assert.equal(messageCreated.data.inboxId, h.ws.inboxId);
      assert.equal(messageCreated.data.message.content, 'oi webhook');
      assert.equal(messageCreated.data.message.direction, 'INBOUND');
      assert.ok(
        events.every((e) => e.data.inboxId === h.ws.inboxId),
        'every data carries inboxId',
      );

      const deliveries = await juri(h, 'GET', `/webhooks/${created.json.id}/deliveries`);
      assert.equal(deliveries.json.total, 2);
      const oldest = deliveries.json.data.at(-1);
      assert.equal(oldest.attemptCount, 3);
      assert.equal(oldest.statusCode, 200);
      assert.deepEqual(oldest.payload, receiver.received[0].json);
      const stats = (await juri(h, 'GET', '/webhooks')).json.find((w: { id: string }) => w.id === created.json.id).stats;
      assert.deepEqual(stats, { totalDeliveries: 2, successCount: 2, failedCount: 0, successRate: 100 });

      const agent = await makeUser(h);
      await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
      clock.now = Math.max(clock.now, Date.now());
      await drain(dispatcher);
      const later = receiver.received.slice(4).map((r) => r.json);
      assert.deepEqual(
        later.map((e) => e.event),
        ['chat.conversation.updated', 'chat.conversation.assigned'],
      );
      assert.equal(later[0].data.status, 'ACTIVE');
      assert.equal(later[0].data.previousStatus, 'ROBOT_INTERACTIVE');
      assert.equal(later[1].data.userId, agent);
      await juri(h, 'DELETE', `/webhooks/${created.json.id}`);
    } finally {
      await receiver.close();
    }
  });

  test('test event, delivery log filters, manual retry of a FAILED delivery', async () => {
    const receiver = await startReceiver([500, 500, 500, 500, 500, 500, 500, 500]);
    const clock = { now: Date.now() };
    const dispatcher = testDispatcher(h, clock);
    try {
      const w = (await juri(h, 'POST', '/webhooks', { body: { name: 'flaky', url: receiver.url, events: ['contact.created'] } })).json;
      const sent = await juri(h, 'POST', `/webhooks/${w.id}/test`);
      assert.equal(sent.status, 200, sent.body);
      clock.now = Date.now();
      assert.deepEqual(Object.keys(sent.json).sort(), ['deliveryId', 'message']);
      for (let i = 0; i < 10; i++) {
        await drain(dispatcher);
        clock.now += 7 * 3600 * 1000;
      }
      assert.equal(receiver.received.length, 8, '8 attempts, then FAILED');
      assert.equal(receiver.received[0].json.event, 'webhook.test');
      const failed = await juri(h, 'GET', `/webhooks/${w.id}/deliveries`, { query: { status: 'FAILED', event: 'webhook.test' } });
      assert.equal(failed.json.total, 1);
      assert.equal(failed.json.data[0].id, sent.json.deliveryId);
      assert.equal(failed.json.data[0].attemptCount, 8);
      assert.equal(failed.json.data[0].nextRetryAt, null);
      assert.equal((await juri(h, 'GET', `/webhooks/${w.id}/deliveries`, { query: { status: 'SUCCESS' } })).json.total, 0);

      const retry = await juri(h, 'POST', `/webhooks/deliveries/${sent.json.deliveryId}/retry`);
      clock.now = Math.max(clock.now, Date.now());
      assert.deepEqual(retry.json, { deliveryId: sent.json.deliveryId, message: 'Retry scheduled' });
      await drain(dispatcher);
      assert.equal(receiver.received.length, 9);
      assert.ok(receiver.received[8].body.equals(receiver.received[0].body));
      assert.equal(receiver.received[8].headers['webhook-id'], sent.json.deliveryId);
      const again = await juri(h, 'POST', `/webhooks/deliveries/${sent.json.deliveryId}/retry`);
      assert.equal(again.status, 409, 'a SUCCESS delivery cannot be retried');
    } finally {
      await receiver.close();
    }
  });

  test('contact.* and chat.message.updated events carry the documented data', async () => {
    const receiver = await startReceiver();
    const clock = { now: Date.now() };
    const dispatcher = testDispatcher(h, clock);
    try {
      const w = (
        await juri(h, 'POST', '/webhooks', {
          body: { name: 'contacts', url: receiver.url, events: ['contact.created', 'contact.updated', 'chat.message.updated'] },
        })
      ).json;
      const { conversationId, personId } = await inbound(h, { phone: '5511950000009', name: 'Contato' });
      await juri(h, 'PATCH', `/people/${personId}`, { body: { inboxId: h.ws.inboxId, city: 'Natal' } });
      await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: await makeUser(h) } });
      const sent = (await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'status' } })).json;
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/channels/${h.ws.channelId}/receipts`,
        headers: { authorization: `Bearer ${h.ws.apiKey}` },
        payload: { externalId: sent.externalId, status: 'read' },
      });
      clock.now = Date.now();
      await drain(dispatcher);
      const bodies = receiver.received.map((r) => r.json);
      assert.deepEqual(bodies.map((b) => b.event).sort(), ['chat.message.updated', 'contact.created', 'contact.updated']);
      const updated = bodies.find((b) => b.event === 'contact.updated');
      assert.equal(updated.data.id, personId);
      assert.equal(updated.data.city, 'Natal');
      assert.equal(updated.data.inboxId, h.ws.inboxId);
      assert.deepEqual(Object.keys(updated.data).sort(), [
        'city',
        'country',
        'createdAt',
        'description',
        'document',
        'email',
        'id',
        'imageUrl',
        'inboxId',
        'isBlocked',
        'name',
        'phoneNumber',
        'tags',
        'updatedAt',
      ]);
      const messageUpdated = bodies.find((b) => b.event === 'chat.message.updated');
      assert.equal(messageUpdated.data.conversationId, conversationId);
      assert.equal(messageUpdated.data.message.id, sent.id);
      assert.equal(messageUpdated.data.message.externalStatus, 'read');
      for (const r of receiver.received) verify(w.secret, r.headers, r.body);
      await juri(h, 'DELETE', `/webhooks/${w.id}`);
    } finally {
      await receiver.close();
    }
  });
});
