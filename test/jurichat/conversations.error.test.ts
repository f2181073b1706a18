import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
let conversationId: string;
let messageId: string;
before(async () => {
  h = await startHarness({ maxUploadMb: 1 });
  ({ conversationId, messageId } = await inbound(h));
});
after(async () => {
  await h?.close();
});

describe('authentication', () => {
  test("a missing or unknown X-JuriChat-Api-Key is a 401 in Fastify's shape; Bearer is not accepted here", async () => {
    assert.match(fastifyError(await juri(h, 'GET', '/conversation', { key: null, query: { inboxId: h.ws.inboxId } }), 401), /X-JuriChat-Api-Key/);
    fastifyError(await juri(h, 'GET', '/conversation', { key: 'cvs_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', query: { inboxId: h.ws.inboxId } }), 401);
    fastifyError(
      await juri(h, 'GET', '/conversation', { key: null, headers: { authorization: `Bearer ${h.ws.apiKey}` }, query: { inboxId: h.ws.inboxId } }),
      401,
    );
  });

  test('the header name is case-insensitive', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/conversation?inboxId=${h.ws.inboxId}`, headers: { 'X-JURICHAT-API-KEY': h.ws.apiKey } });
    assert.equal(res.statusCode, 200);
  });
});

describe('GET /conversation refused input', () => {
  const list = (query: Record<string, string | string[]>) => juri(h, 'GET', '/conversation', { query });
  test('inboxId missing → "inboxId: Required"', async () => {
    assert.equal(fastifyError(await list({}), 400), 'inboxId: Required');
  });
  test('malformed ids name the field', async () => {
    assert.match(fastifyError(await list({ inboxId: 'abc' }), 400), /inboxId/);
    assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, userId: 'x y' }), 400), /userId/);
    assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, tagId: ['c12345678', 'bad'] }), 400), /tagId/);
  });
  test('page and limit out of range or not numbers', async () => {
    for (const [query, field] of [
      [{ page: '0' }, 'page'],
      [{ page: '-1' }, 'page'],
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ page: '1.5' }, 'page'],
    ] as const) {
      assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, ...query }), 400), new RegExp(field));
    }
  });
  test('bad enums', async () => {
    assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, status: 'OPEN' }), 400), /status/);
    assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, priority: 'URGENT' }), 400), /priority/);
    assert.match(fastifyError(await list({ inboxId: h.ws.inboxId, showGroups: 'maybe' }), 400), /showGroups/);
  });
  test('an unknown inbox is a 404', async () => {
    assert.match(fastifyError(await list({ inboxId: newId() }), 404), /Inbox/);
  });
});

describe('GET /conversation/{id} refused input', () => {
  test('bad id 400, unknown id 404, bad cursors 400, limit out of range 400', async () => {
    assert.match(fastifyError(await juri(h, 'GET', '/conversation/123'), 400), /conversationId/);
    assert.match(fastifyError(await juri(h, 'GET', `/conversation/${newId()}`), 404), /Conversation/);
    for (const cursor of ['!!', 'e30', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')]) {
      assert.match(fastifyError(await juri(h, 'GET', `/conversation/${conversationId}`, { query: { cursor } }), 400), /cursor/);
    }
    assert.match(fastifyError(await juri(h, 'GET', `/conversation/${conversationId}`, { query: { limit: '101' } }), 400), /limit/);
  });
});

describe('writes refused', () => {
  test('POST /conversation: missing fields, unknown person/inbox/integration, a person of another inbox', async () => {
    assert.match(fastifyError(await juri(h, 'POST', '/conversation', { body: { personId: newId(), inboxId: h.ws.inboxId } }), 400), /integrationId: Required/);
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation', { body: { personId: newId(), inboxId: h.ws.inboxId, integrationId: h.ws.channelId } }), 404),
      /Person/,
    );
    const { personId } = await inbound(h, { phone: '5511930009999' });
    assert.match(fastifyError(await juri(h, 'POST', '/conversation', { body: { personId, inboxId: newId(), integrationId: h.ws.channelId } }), 404), /Inbox/);
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation', { body: { personId, inboxId: h.ws.inboxId, integrationId: newId() } }), 404),
      /Integration/,
    );
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation', { body: { personId, inboxId: h.ws.inboxId, integrationId: h.ws.channelId, priority: 'NOW' } }), 400),
      /priority/,
    );
  });

  test('PATCH: unknown fields are refused, not ignored; unknown tag 400; unknown role/agent 404; bad types 400', async () => {
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { isArchived: true } }), 400), /isArchived/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { legalAreaId: 'c12345678' } }), 400), /legalAreaId/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { tags: [newId()] } }), 400), /tag/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { roleId: newId() } }), 404), /Role/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { agentId: newId() } }), 404), /Agent/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { isFixed: 'yes' } }), 400), /isFixed/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${newId()}`, { body: { isFixed: true } }), 404), /Conversation/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/conversation/${conversationId}/archive`, { body: {} }), 400), /isArchived: Required/);
  });

  test("malformed JSON is a 400 in Fastify's shape", async () => {
    const res = await h.app.inject({
      method: 'PATCH',
      url: `/conversation/${conversationId}`,
      payload: '{"isFixed":',
      headers: { 'x-jurichat-api-key': h.ws.apiKey, 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode']);
  });

  test('start-human-support: neither selectedUserId nor isRandom 400; unknown user 404; nobody to pick 400', async () => {
    // init's admin is a user of every inbox: without them, nobody can be picked.
    await h.store.db.updateTable('users').set({ deleted_at: Date.now() }).where('workspace_id', '=', h.ws.workspaceId).execute();
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId } }), 400), /selectedUserId/);
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: newId() } }), 404), /User/);
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, isRandom: true } }), 400), /No user/);
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId: newId(), isRandom: true } }), 404),
      /Conversation/,
    );
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/end-human-support', { body: {} }), 400), /conversationId: Required/);
  });

  test('send-message outside human support: 400 with the exact Portuguese message', async () => {
    const res = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'oi' } });
    assert.equal(fastifyError(res, 400), 'Conversa não está em modo de atendimento humano');
  });

  test('send-message: unknown ids are 404 before the human-support rule; text without message; media without file; mismatched file; too big', async () => {
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId: newId(), message: 'oi' } }), 404), /Conversation/);
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'oi', userId: newId() } }), 404), /User/);
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: await makeUser(h) } });
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId } }), 400), /message: Required/);
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, type: 'image' } }), 400), /file: Required/);
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, type: 'sticker', message: 'x' } }), 400), /type/);
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'x', quotedMessageId: newId() } }), 404),
      /Message/,
    );
    const boundary = 'xx';
    const upload = (type: string, mime: string, size: number) =>
      h.app.inject({
        method: 'POST',
        url: '/conversation/send-message',
        headers: { 'x-jurichat-api-key': h.ws.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n${conversationId}\r\n--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${type}\r\n`,
          ),
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: ${mime}\r\n\r\n`),
          Buffer.alloc(size, 7),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    const mismatch = await upload('image', 'application/pdf', 10);
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.json().message, /does not match type image/);
    const big = await upload('document', 'application/pdf', 1024 * 1024 + 1);
    assert.equal(big.statusCode, 413);
    assert.deepEqual(Object.keys(big.json()).sort(), ['error', 'message', 'statusCode']);
  });

  test('notes and forward: required fields, unknown ids forward nothing, array limits', async () => {
    assert.match(fastifyError(await juri(h, 'POST', '/conversation/note', { body: { conversationId } }), 400), /note: Required/);
    assert.match(fastifyError(await juri(h, 'GET', '/conversation/notes'), 400), /conversationId: Required/);
    assert.match(fastifyError(await juri(h, 'GET', '/conversation/notes', { query: { conversationId: newId() } }), 404), /Conversation/);
    const target = (await inbound(h)).conversationId;
    const before = (await juri(h, 'GET', `/conversation/${target}`)).json.data.messages.length;
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/forward-message', { body: { conversationId: [target], messageId: [messageId, newId()] } }), 404),
      /Message/,
    );
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/forward-message', { body: { conversationId: [target, newId()], messageId: [messageId] } }), 404),
      /Conversation/,
    );
    assert.equal((await juri(h, 'GET', `/conversation/${target}`)).json.data.messages.length, before, 'nothing was forwarded');
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/forward-message', { body: { conversationId: [], messageId: [messageId] } }), 400),
      /conversationId/,
    );
    assert.match(
      fastifyError(await juri(h, 'POST', '/conversation/forward-message', { body: { conversationId: Array(51).fill(target), messageId: [messageId] } }), 400),
      /conversationId/,
    );
  });

  test("unknown routes answer Fastify's 404", async () => {
    const res = await juri(h, 'GET', '/crm/lead/c123456789');
    assert.match(fastifyError(res, 404), /Route GET:\/crm\/lead\/c123456789 not found/);
  });
});
