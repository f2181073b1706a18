import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { classifyGraphError, graphClient, type GraphResult, type GraphTarget } from '../../../src/channels/whatsapp/graph-client.ts';
import { FakeGraph, metaError } from '../../helpers/fake-graph.ts';

const TOKEN = 'EAAG-secret-token';
let fake: FakeGraph;
let target: GraphTarget;
const client = graphClient({ allowPrivate: true, timeoutMs: 2000 });

before(async () => {
  fake = await FakeGraph.start();
  target = { graphApiUrl: fake.url, graphApiVersion: 'v25.0', phoneNumberId: '106540352242922', wabaId: '102290129340398', accessToken: TOKEN };
});
after(() => fake.close());

function failureOf<T>(result: GraphResult<T>) {
  assert.equal(result.ok, false, 'expected a failure');
  return (result as Extract<GraphResult<T>, { ok: false }>).failure;
}

function successOf<T>(result: GraphResult<T>): T {
  if (!result.ok) assert.fail(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('sendMessage POSTs the body with messaging_product and the Bearer token, and returns the wamid', async () => {
  const seen = fake.requests.length;
  const body = { recipient_type: 'individual', to: '+5511999998888', type: 'text', text: { body: 'Olá' }, biz_opaque_callback_data: 'msg_1' };
  const first = successOf(await client.sendMessage(target, body));
  const second = successOf(await client.sendMessage(target, { ...body, messaging_product: 'other' }));
  assert.match(first.wamid, /^wamid\.FAKE\d+$/);
  assert.notEqual(first.wamid, second.wamid);
  const [request] = fake.requests.slice(seen);
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/v25.0/106540352242922/messages');
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(request.headers['content-type'], 'application/json');
  assert.deepEqual(request.json, { messaging_product: 'whatsapp', ...body });
  assert.equal(fake.sent().at(-1).messaging_product, 'whatsapp');
});

test('uploadMedia sends messaging_product, type and the file as multipart, and returns the media id', async () => {
  const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a]);
  const { id } = successOf(await client.uploadMedia(target, { bytes, mimeType: 'application/pdf', fileName: 'pedido "123".pdf' }));
  assert.match(id, /^\d{16}$/);
  const request = fake.requests.at(-1)!;
  assert.equal(request.path, '/v25.0/106540352242922/media');
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  assert.match(String(request.headers['content-type']), /^multipart\/form-data; boundary=/);
  assert.deepEqual(request.multipart, {
    fields: { messaging_product: 'whatsapp', type: 'application/pdf' },
    file: { fileName: 'pedido %22123%22.pdf', mimeType: 'application/pdf', bytes },
  });
  // The fake keeps what was uploaded: it can be fetched back like Meta's own media.
  const info = successOf(await client.mediaInfo(target, id));
  assert.deepEqual(successOf(await client.downloadMedia(target, info.url, { maxBytes: 1024, sha256: info.sha256 })).bytes, bytes);
});

test('mediaInfo and downloadMedia fetch a received file with the Bearer header and check its SHA-256', async () => {
  const bytes = Buffer.from('a JPEG, more or less');
  fake.addMedia('1003383421387256', bytes, 'image/jpeg');
  const info = successOf(await client.mediaInfo(target, '1003383421387256'));
  assert.deepEqual(info, {
    url: `${fake.url}/media-download/1003383421387256`,
    mimeType: 'image/jpeg',
    sha256: createHash('sha256').update(bytes).digest('base64'),
    fileSize: bytes.length,
  });
  assert.equal(fake.requests.at(-1)!.path, '/v25.0/1003383421387256');
  const downloaded = successOf(await client.downloadMedia(target, info.url, { maxBytes: 1024, sha256: info.sha256 }));
  assert.deepEqual(downloaded, { bytes, mimeType: 'image/jpeg' });
  const download = fake.requests.at(-1)!;
  assert.equal(download.path, '/media-download/1003383421387256');
  assert.equal(download.headers.authorization, `Bearer ${TOKEN}`);
  // Hex, as some integrators report Meta's hash, is accepted too; so is no hash at all.
  const hex = createHash('sha256').update(bytes).digest('hex');
  assert.equal(successOf(await client.downloadMedia(target, info.url, { maxBytes: 1024, sha256: hex.toUpperCase() })).bytes.length, bytes.length);
  assert.equal(successOf(await client.downloadMedia(target, info.url, { maxBytes: 1024 })).bytes.length, bytes.length);
});

test('mediaInfo reads file_size given as a string, as Meta documents it', async () => {
  fake.next(
    { method: 'GET', pathEndsWith: '/777' },
    { json: { messaging_product: 'whatsapp', url: `${fake.url}/x`, mime_type: 'audio/ogg', sha256: 'abc', file_size: '4242', id: '777' } },
  );
  assert.equal(successOf(await client.mediaInfo(target, '777')).fileSize, 4242);
});

test('a download larger than maxBytes, or with another SHA-256, is rejected', async () => {
  const bytes = Buffer.alloc(5000, 7);
  fake.addMedia('m-big', bytes, 'video/mp4');
  const url = `${fake.url}/media-download/m-big`;
  const declared = failureOf(await client.downloadMedia(target, url, { maxBytes: 4999 }));
  assert.equal(declared.class, 'rejected');
  assert.match(declared.message, /larger than 4999 bytes/);
  // Without a Content-Length the cap applies while reading.
  fake.next({ pathEndsWith: '/media-download/m-streamed' }, { body: bytes, headers: { 'content-type': 'video/mp4', 'transfer-encoding': 'chunked' } });
  assert.equal(failureOf(await client.downloadMedia(target, `${fake.url}/media-download/m-streamed`, { maxBytes: 4096 })).class, 'rejected');
  const wrongHash = createHash('sha256').update('something else').digest('base64');
  const mismatch = failureOf(await client.downloadMedia(target, url, { maxBytes: 10_000, sha256: wrongHash }));
  assert.equal(mismatch.class, 'rejected');
  assert.match(mismatch.message, /SHA-256/);
});

test('media Meta no longer has (404) is rejected; a download without the token is refused by the fake', async () => {
  const missing = failureOf(await client.downloadMedia(target, `${fake.url}/media-download/gone`, { maxBytes: 1024 }));
  assert.equal(missing.class, 'rejected');
  assert.equal(missing.httpStatus, 404);
  const info = failureOf(await client.mediaInfo(target, 'gone'));
  assert.equal(info.class, 'rejected');
  assert.equal(info.code, 100);
  fake.addMedia('m-auth', Buffer.from('x'), 'text/plain');
  const anonymous = await fetch(`${fake.url}/media-download/m-auth`);
  assert.equal(anonymous.status, 401);
});

test('an HTTPS Graph API never sends its token to a plain-HTTP media URL', async () => {
  const secure = graphClient({ allowPrivate: true, timeoutMs: 500 });
  const seen = fake.requests.length;
  const result = failureOf(
    await secure.downloadMedia({ ...target, graphApiUrl: 'https://graph.facebook.com' }, `${fake.url}/media-download/x`, { maxBytes: 10 }),
  );
  assert.equal(result.class, 'rejected');
  assert.equal(fake.requests.length, seen);
});

test('listTemplates returns data[] and follows paging.next', async () => {
  fake.templates = [{ name: 'order_update', status: 'APPROVED', language: 'pt_BR' }];
  assert.deepEqual(successOf(await client.listTemplates(target)), fake.templates);
  assert.equal(fake.requests.at(-1)!.path, '/v25.0/102290129340398/message_templates?limit=100');
  const next = `${fake.url}/v25.0/102290129340398/message_templates?limit=100&after=QVFIUk`;
  fake.next(
    { pathEndsWith: '/message_templates' },
    { json: { data: [{ name: 'welcome' }, { name: 'reminder' }], paging: { cursors: { after: 'QVFIUk' }, next } } },
  );
  const seen = fake.requests.length;
  assert.deepEqual(successOf(await client.listTemplates(target)), [{ name: 'welcome' }, { name: 'reminder' }, ...fake.templates]);
  assert.deepEqual(
    fake.requests.slice(seen).map((r) => [r.path, r.headers.authorization]),
    [
      ['/v25.0/102290129340398/message_templates?limit=100', `Bearer ${TOKEN}`],
      ['/v25.0/102290129340398/message_templates?limit=100&after=QVFIUk', `Bearer ${TOKEN}`],
    ],
  );
});

test('listTemplates stops after a few pages, refuses paging to another host, and needs a wabaId', async () => {
  const next = `${fake.url}/v25.0/102290129340398/message_templates?after=again`;
  for (let i = 0; i < 12; i++) fake.next({ pathEndsWith: '/message_templates' }, { json: { data: [i], paging: { next } } });
  assert.deepEqual(successOf(await client.listTemplates(target)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await client.listTemplates(target); // drains the two scripted pages left
  fake.next({ pathEndsWith: '/message_templates' }, { json: { data: [], paging: { next: 'https://elsewhere.example/v25.0/x/message_templates' } } });
  assert.equal(failureOf(await client.listTemplates(target)).class, 'rejected');
  assert.equal(failureOf(await client.listTemplates({ ...target, wabaId: null })).class, 'rejected');
});

test('markRead sends the read status for the wamid', async () => {
  const result = await client.markRead(target, 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUZC');
  assert.deepEqual(result, { ok: true, value: undefined });
  const request = fake.requests.at(-1)!;
  assert.equal(request.path, '/v25.0/106540352242922/messages');
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(request.json, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUZC' });
});

const CLASSES: [status: number, code: number | null, message: string, expected: string][] = [
  [400, 131047, 'Re-engagement message', 'rejected'],
  [400, 131026, 'Message Undeliverable.', 'rejected'],
  [400, 131051, 'Unsupported message type', 'rejected'],
  [400, 131053, 'Media upload error', 'rejected'],
  [400, 100, '(#100) Invalid parameter', 'rejected'],
  [400, 131009, '(#131009) Parameter value is not valid', 'rejected'],
  [400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', 'throttle_person'],
  [429, 130429, '(#130429) Rate limit hit', 'retry'],
  [400, 131048, '(#131048) Spam rate limit hit', 'retry'],
  [429, 80007, '(#80007) Rate limit issues', 'retry'],
  [503, 131016, '(#131016) Service unavailable', 'retry'],
  [401, 190, 'Error validating access token: Session has expired', 'auth'],
  [401, null, 'Unauthorized', 'auth'],
  [500, null, 'Internal Server Error', 'retry'],
];

test('each Meta error code and HTTP status lands in its class, with "<code>: <message>"', async () => {
  for (const [status, code, message, expected] of CLASSES) {
    fake.next({ pathEndsWith: '/messages' }, code === null ? { status, body: message } : metaError(status, code, message, 'some details'));
    const failure = failureOf(await client.sendMessage(target, { to: '+16505551234', type: 'text', text: { body: 'hi' } }));
    assert.equal(failure.class, expected, `${status}/${code}`);
    assert.equal(failure.httpStatus, status);
    assert.equal(failure.code, code);
    if (code !== null) assert.equal(failure.message, `${code}: ${message.replace(/^\(#\d+\) /, '')}`);
    else assert.equal(failure.message, `HTTP ${status}`);
  }
});

test('a 429 without a Meta code is retried after Retry-After', async () => {
  fake.next({ pathEndsWith: '/messages' }, { status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
  const failure = failureOf(await client.sendMessage(target, { to: '+1', type: 'text', text: { body: 'x' } }));
  assert.deepEqual(failure, { class: 'retry', code: null, httpStatus: 429, message: 'HTTP 429', retryAfterMs: 7000 });
});

test('a request Meta received but never answered is "unknown" for a send and retryable for a read', async () => {
  const quick = graphClient({ allowPrivate: true, timeoutMs: 150 });
  fake.next({ pathEndsWith: '/messages' }, { hang: true });
  const hung = failureOf(await quick.sendMessage(target, { to: '+1', type: 'text', text: { body: 'x' } }));
  assert.equal(hung.class, 'unknown');
  assert.match(hung.message, /^send outcome unknown/);
  fake.next({ pathEndsWith: '/messages' }, { destroy: true });
  assert.equal(failureOf(await quick.sendMessage(target, { to: '+1', type: 'text', text: { body: 'x' } })).class, 'unknown');
  fake.next({ pathEndsWith: '/messages' }, { status: 200, body: 'not json' });
  assert.equal(failureOf(await quick.sendMessage(target, { to: '+1', type: 'text', text: { body: 'x' } })).class, 'unknown');
  fake.next({ method: 'GET' }, { hang: true });
  assert.equal(failureOf(await quick.mediaInfo(target, '123')).class, 'retry');
  fake.next({ pathEndsWith: '/messages' }, { destroy: true });
  assert.equal(failureOf(await quick.markRead(target, 'wamid.X')).class, 'retry');
});

test('a slow answer within the timeout is still an answer', async () => {
  const quick = graphClient({ allowPrivate: true, timeoutMs: 300 });
  fake.next({ pathEndsWith: '/messages' }, { delayMs: 100, json: { messages: [{ id: 'wamid.SLOW' }] } });
  assert.deepEqual(successOf(await quick.sendMessage(target, { to: '+1', type: 'text', text: { body: 'x' } })), { wamid: 'wamid.SLOW' });
});

test('a refused connection or a failed DNS lookup is retried: nothing was sent', async () => {
  const refused = failureOf(await client.sendMessage({ ...target, graphApiUrl: `http://127.0.0.1:${await closedPort()}` }, { to: '+1' }));
  assert.equal(refused.class, 'retry');
  assert.match(refused.message, /ECONNREFUSED/);
  const noDns = graphClient({
    allowPrivate: false,
    resolve: async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
  });
  const unresolved = failureOf(await noDns.sendMessage({ ...target, graphApiUrl: 'https://graph.facebook.com' }, { to: '+1' }));
  assert.equal(unresolved.class, 'retry');
  assert.match(unresolved.message, /ENOTFOUND/);
});

test('a connection reset while the request is still being written is retried: Meta cannot have acted on it', async () => {
  const resetter = net.createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => resetter.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = resetter.address() as AddressInfo;
    const large = { to: '+1', type: 'text', text: { body: 'x'.repeat(32 * 1024 * 1024) } };
    const failure = failureOf(await client.sendMessage({ ...target, graphApiUrl: `http://127.0.0.1:${port}` }, large));
    assert.equal(failure.class, 'retry');
    assert.match(failure.message, /^request not sent/);
  } finally {
    await new Promise((resolve) => resetter.close(resolve));
  }
});

test('private addresses are refused unless allowPrivate: no request reaches the fake', async () => {
  const strict = graphClient({ allowPrivate: false, resolve: async () => ['127.0.0.1'] });
  const seen = fake.requests.length;
  const literal = failureOf(await strict.sendMessage(target, { to: '+1' }));
  assert.equal(literal.class, 'rejected');
  assert.match(literal.message, /private, loopback or link-local/);
  const port = new URL(fake.url).port;
  const named = failureOf(await strict.mediaInfo({ ...target, graphApiUrl: `http://graph.example:${port}` }, '123'));
  assert.equal(named.class, 'rejected');
  assert.equal(failureOf(await strict.downloadMedia(target, `${fake.url}/media-download/m-auth`, { maxBytes: 10 })).class, 'rejected');
  assert.equal(fake.requests.length, seen);
});

test('the access token never appears in a failure message', async () => {
  fake.next({ pathEndsWith: '/messages' }, metaError(400, 100, `Invalid parameter near ${TOKEN}`));
  const failure = failureOf(await client.sendMessage(target, { to: '+1' }));
  assert.equal(failure.message, '100: Invalid parameter near ***');
  fake.acceptedToken = 'another-token';
  try {
    const revoked = failureOf(await client.sendMessage(target, { to: '+1' }));
    assert.equal(revoked.class, 'auth');
    assert.equal(revoked.code, 190);
    assert.ok(!revoked.message.includes(TOKEN));
  } finally {
    fake.acceptedToken = null;
  }
});

test("unknown paths on the fake answer Meta's 404 error shape", async () => {
  const failure = failureOf(await client.mediaInfo({ ...target, graphApiVersion: 'v25.0/a/b' }, 'c'));
  assert.equal(failure.httpStatus, 404);
  assert.equal(failure.code, 100);
  assert.equal(failure.class, 'rejected');
});

test('classifyGraphError reads codes from text bodies, numeric strings and is_transient, and lets a permanent code beat a 5xx', () => {
  const body = JSON.stringify({ error: { message: '(#131047) Re-engagement message', code: '131047', error_data: { details: 'More than 24 hours' } } });
  assert.deepEqual(classifyGraphError(400, body), {
    class: 'rejected',
    code: 131047,
    httpStatus: 400,
    message: '131047: Re-engagement message',
    retryAfterMs: null,
  });
  assert.equal(classifyGraphError(500, { error: { code: 131026, message: 'Message Undeliverable.' } }).class, 'rejected');
  assert.equal(classifyGraphError(502, { error: { code: 131000, message: 'Something went wrong' } }).class, 'retry');
  assert.equal(classifyGraphError(400, { error: { code: 999999, message: 'New', is_transient: true } }).class, 'retry');
  assert.equal(classifyGraphError(400, { error: { code: 999999, message: 'New' } }).class, 'rejected');
  assert.equal(
    classifyGraphError(403, { error: { code: 10, message: '(#10) Application does not have permission' } }).message,
    '10: Application does not have permission',
  );
  assert.equal(classifyGraphError(400, { error: { code: 131026, error_data: { details: 'Only details' } } }).message, '131026: Only details');
  assert.equal(classifyGraphError(502, '<html>Bad Gateway</html>').message, 'HTTP 502');
  const at = Date.parse('2026-06-01T00:00:00Z');
  assert.equal(classifyGraphError(503, null, 'Mon, 01 Jun 2026 00:00:30 GMT', at).retryAfterMs, 30_000);
});
