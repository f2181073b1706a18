import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { multipartBody } from '../helpers/multipart.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ maxUploadMb: 1 });
});
after(async () => {
  await h?.close();
});

async function upload(conversationId: string, fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }) {
  const { payload, contentType } = multipartBody(fields, file ? [file] : []);
  return h.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conversationId}/messages`,
    payload,
    headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
  });
}

test('a file over CONVERSAS_MAX_UPLOAD_MB is a 413 and nothing is stored', async () => {
  const { conversationId } = await inbound(h);
  const res = await upload(conversationId, { type: 'document' }, { name: 'big.pdf', type: 'application/pdf', content: Buffer.alloc(1024 * 1024 + 10, 1) });
  assert.equal(res.statusCode, 413, res.body);
  assert.equal(res.json().error.code, 'payload_too_large');
  const count = await h.store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1, 'only the inbound message');
});

test('multipart fields are validated like JSON: unknown field, bad enum, file on a text message', async () => {
  const { conversationId } = await inbound(h);
  const unknown = await upload(conversationId, { message: 'oi', colour: 'red' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.json().error.message, /colour/);
  const badType = await upload(conversationId, { type: 'hologram' });
  assert.equal(badType.statusCode, 400);
  assert.match(badType.json().error.message, /type/);
  const mismatch = await upload(conversationId, { type: 'text', message: 'oi' }, { name: 'a.png', type: 'image/png', content: Buffer.from('png') });
  assert.equal(mismatch.statusCode, 400);
  assert.match(mismatch.json().error.message, /type/);
  const wrongField = await h.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conversationId}/messages`,
    payload: Buffer.from('--b\r\nContent-Disposition: form-data; name="attachment"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n'),
    headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': 'multipart/form-data; boundary=b' },
  });
  assert.equal(wrongField.statusCode, 400);
  assert.match(wrongField.json().error.message, /attachment/);
});

test('a truncated multipart body is a 400, not a 500', async () => {
  const { conversationId } = await inbound(h);
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conversationId}/messages`,
    payload: Buffer.from('--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nhalf'),
    headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': 'multipart/form-data; boundary=b' },
  });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
});
