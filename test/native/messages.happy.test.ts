import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser, eventsOf } from '../helpers/fixtures.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const MESSAGE_KEYS = [
  'id',
  'conversationId',
  'type',
  'direction',
  'content',
  'media',
  'messageAt',
  'externalId',
  'externalStatus',
  'errorMessage',
  'senderPersonId',
  'senderUserId',
  'senderBotId',
  'contact',
  'quotedMessageId',
  'transcription',
  'summary',
  'metadata',
  'clientMessageId',
  'createdAt',
  'updatedAt',
].sort();

describe('sending', () => {
  test('an agent sends text: OUTBOUND, marked sent at once by the sandbox with an externalId, message.created emitted', async () => {
    const { conversationId } = await inbound(h);
    const agent = await makeUser(h);
    const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'Bom dia!', senderUserId: agent } });
    assert.equal(res.status, 201, res.body);
    const m = res.json;
    assert.deepEqual(Object.keys(m).sort(), MESSAGE_KEYS);
    assert.equal(m.type, 'text');
    assert.equal(m.direction, 'OUTBOUND');
    assert.equal(m.content, 'Bom dia!');
    assert.equal(m.senderUserId, agent);
    assert.equal(m.senderBotId, null);
    assert.equal(m.externalStatus, 'sent');
    assert.equal(m.externalId, `sandbox.${m.id}`);
    assert.equal(m.media, null);
    assert.equal(m.contact, null);
    const events = await eventsOf(h, conversationId);
    assert.equal(events.at(-1)!.type, 'message.created');
    assert.equal(events.at(-1)!.payload.message.id, m.id);
  });

  test('the bot sends; the same clientMessageId twice creates one message and answers it twice', async () => {
    const { conversationId } = await inbound(h);
    const body = { message: 'Sou o bot', botId: h.ws.botId, clientMessageId: 'client-1' };
    const first = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body });
    const second = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.deepEqual(second.json, first.json);
    assert.equal(first.json.senderBotId, h.ws.botId);
    const list = await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`);
    assert.equal(list.json.data.filter((m: { clientMessageId: string }) => m.clientMessageId === 'client-1').length, 1);
  });

  test('media by URL, contact, internal note and a quoted reply', async () => {
    const { conversationId, messageId } = await inbound(h);
    const url = `/api/v1/conversations/${conversationId}/messages`;
    const image = await call(h, 'POST', url, { body: { type: 'image', mediaUrl: 'https://cdn.example.com/a.png', mimeType: 'image/png', caption: 'foto' } });
    assert.equal(image.status, 201, image.body);
    assert.deepEqual(image.json.media, { url: 'https://cdn.example.com/a.png', mimeType: 'image/png', fileName: null, caption: 'foto', size: null });
    assert.equal(image.json.content, 'https://cdn.example.com/a.png');
    const contact = await call(h, 'POST', url, { body: { type: 'contact', contactName: 'Dra. Ana', contactPhoneNumber: '5511911112222' } });
    assert.deepEqual(contact.json.contact, { name: 'Dra. Ana', phoneNumber: '5511911112222' });
    const note = await call(h, 'POST', url, { body: { message: 'cliente VIP', internal: true } });
    assert.equal(note.json.direction, 'INTERNAL');
    assert.equal(note.json.externalStatus, null, 'a note never goes to the channel');
    const reply = await call(h, 'POST', url, { body: { message: 'respondendo', quotedMessageId: messageId } });
    assert.equal(reply.json.quotedMessageId, messageId);
  });

  test('multipart upload: the file is stored and served back at an unguessable URL under PUBLIC_URL', async () => {
    const { conversationId } = await inbound(h);
    const boundary = '----conversas';
    const content = Buffer.from('%PDF-1.4 fake pdf bytes');
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ndocument\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nsegue o contrato\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="contrato.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      payload,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(res.statusCode, 201, res.body);
    const m = res.json();
    assert.equal(m.type, 'document');
    assert.equal(m.media.mimeType, 'application/pdf');
    assert.equal(m.media.fileName, 'contrato.pdf');
    assert.equal(m.media.size, content.length);
    assert.equal(m.media.caption, 'segue o contrato');
    assert.ok(m.media.url.startsWith(`${h.config.publicUrl}/media/`));
    const path = new URL(m.media.url).pathname;
    const file = await h.app.inject({ method: 'GET', url: path });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.deepEqual(file.rawPayload, content);
    const guessed = await h.app.inject({ method: 'GET', url: '/media/AAAAAAAAAAAAAAAAAAAAAA/contrato.pdf' });
    assert.equal(guessed.statusCode, 404);
  });
});

describe('receipts', () => {
  test('externalStatus only moves forward and emits message.updated', async () => {
    const { conversationId } = await inbound(h);
    const sent = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'oi' } });
    const receipt = (status: string, error?: string) =>
      call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, { body: { externalId: sent.json.externalId, status, ...(error ? { error } : {}) } });
    const delivered = await receipt('delivered');
    assert.equal(delivered.status, 200, delivered.body);
    assert.equal(delivered.json.changed, true);
    assert.equal(delivered.json.message.externalStatus, 'delivered');
    const backwards = await receipt('sent');
    assert.equal(backwards.json.changed, false);
    assert.equal(backwards.json.message.externalStatus, 'delivered');
    assert.equal((await receipt('read')).json.message.externalStatus, 'read');
    assert.equal((await receipt('failed', 'x')).json.changed, false, 'read is final');
    const updates = (await eventsOf(h, conversationId)).filter((e) => e.type === 'message.updated');
    assert.deepEqual(
      updates.map((e) => e.payload.message.externalStatus),
      ['delivered', 'read'],
    );
  });

  test('a failed receipt records the error message', async () => {
    const { conversationId } = await inbound(h);
    const sent = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'oi' } });
    const failed = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, {
      body: { externalId: sent.json.externalId, status: 'failed', error: 'número inexistente' },
    });
    assert.equal(failed.json.message.externalStatus, 'failed');
    assert.equal(failed.json.message.errorMessage, 'número inexistente');
  });
});

describe('reading messages', () => {
  test('newest first; the cursor walks back in time visiting each message once; after= catches up oldest first', async () => {
    const phone = '5541933332222';
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await inbound(h, { phone, text: `m${i}`, externalId: `w-${i}` })).messageId);
    const conversationId = (await inbound(h, { phone, text: 'm0', externalId: 'w-0' })).conversationId;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { limit: '5', ...(cursor ? { cursor } : {}) } });
      assert.equal(res.status, 200);
      seen.push(...res.json.data.map((m: { id: string }) => m.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    const after = await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { after: ids[8] } });
    assert.deepEqual(
      after.json.data.map((m: { id: string }) => m.id),
      ids.slice(9),
    );
  });

  test('a repeated externalId from the channel answers the original ids with duplicate: true', async () => {
    const first = await inbound(h, { phone: '5541933330000', externalId: 'wamid.dup' });
    const again = await inbound(h, { phone: '5541933330000', externalId: 'wamid.dup' });
    assert.deepEqual(again, { ...first, duplicate: true });
  });

  test('a group message creates the group, its member and a group conversation', async () => {
    const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: {
        from: { phone: '5511900001111', name: 'Tia' },
        group: { externalId: '1203630@g.us', name: 'Família' },
        message: { type: 'text', text: 'oi grupo' },
      },
    });
    assert.equal(res.status, 200, res.body);
    const c = await call(h, 'GET', `/api/v1/conversations/${res.json.conversationId}`);
    assert.equal(c.json.isGroup, true);
    assert.equal(c.json.personId, null);
    assert.ok(c.json.groupId);
    const second = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: { from: { phone: '5511900002222' }, group: { externalId: '1203630@g.us' }, message: { type: 'text', text: 'oi' } },
    });
    assert.equal(second.json.conversationId, res.json.conversationId, 'one conversation per group');
  });
});
