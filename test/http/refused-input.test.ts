import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { jelou, base } from '../helpers/jelou.ts';
import { multipartBody } from '../helpers/multipart.ts';

let h: Harness;
before(async () => {
  h = await startHarness({});
});
after(async () => {
  await h?.close();
});

const BUILT_IN_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

describe('a JSON key named like a built-in property', () => {
  test('is an unknown field (400 naming it), never a 500, on native and JuriChat routes', async () => {
    const { conversationId } = await inbound(h);
    for (const name of BUILT_IN_NAMES) {
      const role = await call(h, 'POST', '/api/v1/roles', { body: { name: 'x', [name]: 1 } });
      assert.equal(role.status, 400, role.body);
      assert.equal(role.json.error.code, 'validation_failed');
      assert.deepEqual(role.json.error.details.fields, { [name]: ['is not a known field'] });
      assert.doesNotMatch(role.body, /TypeError|is not a function/);

      const note = await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: 'x', [name]: 1 } });
      assert.match(fastifyError(note, 400), new RegExp(`${name}: Unrecognized key`));
    }
  });

  test('in a multipart form is a 400 too', async () => {
    const { conversationId } = await inbound(h);
    const { payload, contentType } = multipartBody({ message: 'oi', constructor: '1' });
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      payload,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, /may not be named __proto__, constructor or prototype/);
  });
});

describe('one wording on every surface', () => {
  test('a missing field reads "name: Required" in the native, JuriChat and Jelou messages alike', async () => {
    const native = await call(h, 'POST', '/api/v1/roles', { body: {} });
    assert.equal(native.json.error.message, 'name: Required');
    assert.deepEqual(native.json.error.details.fields, { name: ['is required'] });
    assert.equal(fastifyError(await juri(h, 'POST', '/webhooks', { body: { url: 'https://example.com', events: ['webhook.test'] } }), 400), 'name: Required');
    const j = await jelou(h, 'POST', base(h.ws.workspaceId), { body: {} });
    assert.equal(j.json.error.description, 'webhookUrl: Required');
    const query = await call(h, 'GET', '/api/v1/conversations?limit=0');
    assert.equal(query.json.error.message, 'limit: must be >= 1');
    const whole = await h.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload: '[]',
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': 'application/json' },
    });
    assert.equal(whole.json().error.message, 'body: must be object');
  });
});

describe('page numbers far past the end', () => {
  test('a page far past the end is empty, with the true total; page=1e308 is a 400, not a 500', async () => {
    const { conversationId } = await inbound(h);
    const webhook = await juri(h, 'POST', '/webhooks', { body: { name: 'hook', url: 'https://example.com/hook', events: ['chat.message.created'] } });
    assert.equal(webhook.status, 200, webhook.body);
    await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'depois', scheduledAt: new Date(Date.now() + 3600_000).toISOString() } });
    const lists = [
      `/conversation?inboxId=${h.ws.inboxId}`,
      `/people?inboxId=${h.ws.inboxId}&limit=10`,
      `/user?inboxId=${h.ws.inboxId}`,
      '/scheduled-message?',
      `/webhooks/${webhook.json.id}/deliveries?`,
    ];
    for (const list of lists) {
      for (const page of ['9007199254740991', '100000000000']) {
        const res = await juri(h, 'GET', `${list}&page=${page}`);
        if (res.status !== 200) {
          const r = await h.app.inject({ method: 'GET', url: `${list}&page=${page}`, headers: { 'x-jurichat-api-key': h.ws.apiKey } });
          console.log(list, page, r.body);
        }
        assert.equal(res.status, 200, `${list} page=${page}: ${res.body}`);
        assert.deepEqual(res.json.data, [], list);
      }
      for (const page of ['0', '1e308', '1e309', '9007199254740993'])
        assert.match(fastifyError(await juri(h, 'GET', `${list}&page=${page}`), 400), /page/, `${list} page=${page}`);
    }
    const conversations = await juri(h, 'GET', `/conversation?inboxId=${h.ws.inboxId}&page=100000000000`);
    assert.ok(conversations.json.totalResults >= 1);
  });
});

describe('content types a route does not declare', () => {
  test('text/plain on a route that takes JSON or multipart is a 415 naming what it takes, not a 500', async () => {
    const { conversationId } = await inbound(h);
    const scheduled = await juri(h, 'POST', '/scheduled-message', {
      body: { conversationId, message: 'depois', scheduledAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    const id = scheduled.json.data.id;
    for (const payload of ['message=x', '']) {
      const res = await h.app.inject({
        method: 'PATCH',
        url: `/scheduled-message/${id}`,
        payload,
        headers: { 'x-jurichat-api-key': h.ws.apiKey, 'content-type': 'text/plain' },
      });
      assert.equal(res.statusCode, 415, res.body);
      assert.match(
        fastifyError({ status: res.statusCode, json: res.json() }, 415),
        /text\/plain is not accepted here: send application\/json or multipart\/form-data/,
      );
    }
  });

  test('multipart on a JSON-only route is a 415 and creates nothing', async () => {
    const { payload, contentType } = multipartBody({ name: 'multipart role' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
    });
    assert.equal(res.statusCode, 415, res.body);
    assert.equal(res.json().error.code, 'unsupported_media_type');
    assert.match(res.json().error.message, /multipart\/form-data is not accepted here: send application\/json/);
    const roles = await call(h, 'GET', '/api/v1/roles');
    assert.ok(!roles.json.data.some((r: { name: string }) => r.name === 'multipart role'));
  });

  test('a body without a Content-Type is a 415; JSON with a charset is fine', async () => {
    const missing = await h.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload: Buffer.from('{"name":"y"}'),
      headers: { authorization: `Bearer ${h.ws.apiKey}` },
    });
    assert.equal(missing.statusCode, 415, missing.body);
    assert.match(missing.json().error.message, /Content-Type is missing/);
    const charset = await h.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload: '{"name":"z"}',
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(charset.statusCode, 201, charset.body);
  });

  test("multipart on a Jelou route is a 415 in Jelou's shape", async () => {
    const { payload, contentType } = multipartBody({ url: 'https://example.com' });
    const res = await h.app.inject({
      method: 'POST',
      url: base(h.ws.workspaceId),
      payload,
      headers: { 'x-api-key': h.ws.apiKey, 'content-type': contentType },
    });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.key, 'validation_failed');
    assert.match(res.json().error.description, /multipart\/form-data is not accepted here/);
  });
});

describe("router-level errors answer in the surface's shape", () => {
  test('malformed percent-encoding: 400 in the native, JuriChat and Jelou shapes', async () => {
    const native = await call(h, 'GET', '/api/v1/conversations/%E0%A4%A');
    assert.equal(native.status, 400, native.body);
    assert.equal(native.json.error.code, 'bad_request');
    assert.equal(native.json.error.details.reason, 'invalid_url');
    assert.match(fastifyError(await juri(h, 'GET', '/conversation/%E0%A4%A'), 400), /not valid percent-encoding/);
    const j = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/%E0%A4%A`);
    assert.equal(j.status, 422, j.body);
    assert.equal(j.json.error.key, 'validation_failed');
    assert.doesNotMatch(native.body + j.body, /FST_/);
  });

  test("an over-long path parameter: 414 in the native and JuriChat shapes, 422 in Jelou's", async () => {
    const long = 'c'.repeat(2000);
    const native = await call(h, 'GET', `/api/v1/conversations/${long}`);
    assert.equal(native.status, 414, native.body);
    assert.equal(native.json.error.details.reason, 'path_parameter_too_long');
    assert.match(fastifyError(await juri(h, 'GET', `/conversation/${long}`), 414), /longer than 1024 characters/);
    const j = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/${long}`);
    assert.equal(j.status, 422, j.body);
    assert.doesNotMatch(native.body + j.body, /FST_/);
    // A parameter of a few hundred characters reaches the route, where no such conversation exists.
    assert.equal((await call(h, 'GET', `/api/v1/conversations/${'c'.repeat(300)}`)).status, 404);
  });

  test('two files, or more than 50 fields, say so instead of "file is larger than…"', async () => {
    const { conversationId } = await inbound(h);
    const url = `/api/v1/conversations/${conversationId}/messages`;
    const headers = (contentType: string) => ({ authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType });
    const file = { name: 'a.png', type: 'image/png', content: Buffer.from('png') };
    const two = multipartBody({ type: 'image' }, [file, file]);
    const twoRes = await h.app.inject({ method: 'POST', url, payload: two.payload, headers: headers(two.contentType) });
    assert.equal(twoRes.statusCode, 400, twoRes.body);
    assert.match(twoRes.json().error.message, /Only one file may be sent/);
    const many = multipartBody(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, 'x'])));
    const manyRes = await h.app.inject({ method: 'POST', url, payload: many.payload, headers: headers(many.contentType) });
    assert.equal(manyRes.statusCode, 400, manyRes.body);
    assert.match(manyRes.json().error.message, /more than 50 fields/);
  });

  test('a file with a 200-character name is served at its media URL', async () => {
    const { conversationId } = await inbound(h);
    const name = `${'relatório mensal '.repeat(12).slice(0, 196)}.pdf`;
    const { payload, contentType } = multipartBody({ type: 'document' }, [{ name, type: 'application/pdf', content: Buffer.from('%PDF-1.4') }]);
    const sent = await h.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      payload,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const url = new URL(sent.json().media.url);
    assert.ok(url.pathname.length > 200, 'the name is in the URL, encoded');
    const served = await h.app.inject({ method: 'GET', url: url.pathname });
    assert.equal(served.statusCode, 200, served.body);
  });
});

describe('NUL characters, which PostgreSQL text cannot hold', () => {
  test('are refused with a 400 naming the field in JSON bodies, multipart forms and URLs, on every engine', async () => {
    const { conversationId } = await inbound(h);
    const role = await call(h, 'POST', '/api/v1/roles', { body: { name: 'a\u0000b' } });
    assert.equal(role.status, 400, role.body);
    assert.deepEqual(role.json.error.details.fields, { 'body "name"': ['contains a NUL character'] });
    const note = await juri(h, 'POST', '/conversation/note', { body: { conversationId: `${conversationId.slice(0, 20)}\u0000`, note: 'x' } });
    assert.match(fastifyError(note, 400), /NUL character/);
    const { payload, contentType } = multipartBody({ message: 'o\u0000i' });
    const form = await h.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      payload,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
    });
    assert.equal(form.statusCode, 400, form.body);
    const search = await call(h, 'GET', '/api/v1/conversations?search=a%00b');
    assert.equal(search.status, 400, search.body);
    assert.equal(search.json.error.details.reason, 'invalid_url');
    const j = await jelou(h, 'GET', `${base(h.ws.workspaceId)}/conversations/c0000000000%00`);
    assert.equal(j.status, 422, j.body);
  });

  test('JSON nested deeper than the parser goes is malformed JSON, a 400', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload: deep,
      headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'invalid_json');
  });
});
