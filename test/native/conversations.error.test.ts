import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
let conversationId: string;
before(async () => {
  h = await startHarness();
  ({ conversationId } = await inbound(h));
});
after(async () => {
  await h?.close();
});

function assertNativeError(res: { status: number; json: any }, status: number, mentions?: RegExp) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(typeof res.json.error.code, 'string');
  assert.equal(typeof res.json.error.message, 'string');
  assert.equal(typeof res.json.error.details, 'object');
  if (mentions) assert.match(res.json.error.message, mentions);
}

const raw = (method: 'POST' | 'GET', url: string, payload: string, contentType = 'application/json') =>
  h.app.inject({ method, url, payload, headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType } });

describe('authentication', () => {
  test('no key, a malformed header and an unknown key are 401 in the native shape', async () => {
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { key: null }), 401, /Authorization/);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { key: null, headers: { authorization: 'Token abc' } }), 401);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { key: 'cvs_live_notarealkeynotarealkeynotareal' }), 401, /Invalid API key/);
  });
});

describe('refused input', () => {
  test('malformed JSON is a 400 naming the problem', async () => {
    const res = await raw('POST', `/api/v1/conversations/${conversationId}/messages`, '{"message": "oi"');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_json');
    assert.match(res.json().error.message, /JSON/);
  });

  test('a body over 1 MiB is a 413', async () => {
    const res = await raw('POST', `/api/v1/conversations/${conversationId}/messages`, JSON.stringify({ message: 'x'.repeat(1_100_000) }));
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'payload_too_large');
  });

  test('wrong types, unknown fields and bad enums are 400 naming the field', async () => {
    const url = `/api/v1/conversations/${conversationId}/messages`;
    assertNativeError(await call(h, 'POST', url, { body: { message: 42 } }), 400, /message/);
    assertNativeError(await call(h, 'POST', url, { body: { message: 'oi', colour: 'red' } }), 400, /colour/);
    assertNativeError(await call(h, 'POST', url, { body: { type: 'hologram', message: 'oi' } }), 400, /type/);
    assertNativeError(await call(h, 'POST', url, { body: { type: 'text' } }), 400, /text/);
    assertNativeError(await call(h, 'POST', url, { body: { type: 'image' } }), 400, /media/);
    assertNativeError(await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: {} }), 400, /userId/);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { query: { status: 'OPEN' } }), 400, /status/);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { query: { limit: '0' } }), 400, /limit/);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { query: { limit: '201' } }), 400, /limit/);
    assertNativeError(await call(h, 'GET', '/api/v1/conversations', { query: { limit: 'many' } }), 400, /limit/);
  });

  test('malformed ids are 400; well-formed unknown ids are 404', async () => {
    assertNativeError(await call(h, 'GET', '/api/v1/conversations/not-an-id'), 400, /id/);
    assertNativeError(await call(h, 'GET', `/api/v1/conversations/${newId()}`), 404, /Conversation/);
    assertNativeError(await call(h, 'POST', `/api/v1/conversations/${newId()}/messages`, { body: { message: 'oi' } }), 404);
    assertNativeError(await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: newId() } }), 404, /User/);
    assertNativeError(await call(h, 'POST', `/api/v1/conversations/${conversationId}/handoff`, { body: { roleId: newId() } }), 404, /Role/);
    assertNativeError(
      await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'oi', quotedMessageId: newId() } }),
      404,
      /Message/,
    );
    assertNativeError(
      await call(h, 'POST', `/api/v1/channels/${newId()}/inbound`, { body: { from: { phone: '5511999990000' }, message: { type: 'text', text: 'oi' } } }),
      404,
      /Channel/,
    );
  });

  test('bad cursors are 400, never 500', async () => {
    for (const cursor of [
      '%%%',
      'bm90LWpzb24',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('["a","b"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      assertNativeError(await call(h, 'GET', '/api/v1/conversations', { query: { cursor } }), 400, /cursor/);
      assertNativeError(await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { cursor } }), 400, /cursor/);
      assertNativeError(await call(h, 'GET', '/api/v1/events', { query: { after: cursor } }), 400, /after/);
    }
  });

  test('cursor and after together are refused; after must be a message of this conversation', async () => {
    const other = await inbound(h);
    assertNativeError(await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { after: other.messageId } }), 404);
  });

  test('handoff while an agent attends is a 409', async () => {
    await call(h, 'POST', `/api/v1/conversations/${conversationId}/assign`, { body: { userId: await makeUser(h) } });
    assertNativeError(await call(h, 'POST', `/api/v1/conversations/${conversationId}/handoff`, { body: {} }), 409);
  });

  test('sandbox inbound: phone with too few digits, text missing, media without URL', async () => {
    const url = `/api/v1/channels/${h.ws.channelId}/inbound`;
    assertNativeError(await call(h, 'POST', url, { body: { from: { phone: '123' }, message: { type: 'text', text: 'oi' } } }), 400, /phone/);
    assertNativeError(await call(h, 'POST', url, { body: { from: { phone: '5511999990000' }, message: { type: 'text' } } }), 400, /text/);
    assertNativeError(await call(h, 'POST', url, { body: { from: { phone: '5511999990000' }, message: { type: 'image' } } }), 400, /mediaUrl/);
    assertNativeError(await call(h, 'POST', url, { body: { message: { type: 'text', text: 'oi' } } }), 400, /from/);
    assertNativeError(
      await call(h, 'POST', url, { body: { from: { phone: '5511999990000' }, message: { type: 'text', text: 'oi', timestamp: 'yesterday' } } }),
      400,
      /timestamp/,
    );
  });

  test('receipts for an unknown externalId are 404; bad status is 400', async () => {
    const url = `/api/v1/channels/${h.ws.channelId}/receipts`;
    assertNativeError(await call(h, 'POST', url, { body: { externalId: 'nope', status: 'read' } }), 404);
    assertNativeError(await call(h, 'POST', url, { body: { externalId: 'nope', status: 'pending' } }), 400, /status/);
  });

  test("unknown routes under /api/v1 answer 404 in the native shape; elsewhere in Fastify's shape", async () => {
    assertNativeError(await call(h, 'GET', '/api/v1/nothing-here'), 404, /not found/);
    const res = await h.app.inject({ method: 'GET', url: '/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode']);
  });

  test('every answer carries x-request-id, and a client-supplied one is echoed', async () => {
    const res = await call(h, 'GET', '/api/v1/conversations', { headers: { 'x-request-id': 'trace-123' } });
    assert.equal(res.headers['x-request-id'], 'trace-123');
    const generated = await call(h, 'GET', '/api/v1/conversations');
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });
});
