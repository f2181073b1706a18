import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { multipartBody } from '../helpers/multipart.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

type File = { name: string; type: string; content: Buffer };

async function post(url: string, headers: Record<string, string>, fields: Record<string, string>, file: File, method: 'POST' | 'PATCH' = 'POST') {
  const { payload, contentType } = multipartBody(fields, [file]);
  return h.app.inject({ method, url, payload, headers: { ...headers, 'content-type': contentType } });
}
const native = () => ({ authorization: `Bearer ${h.ws.apiKey}` });
const jurichat = () => ({ 'x-jurichat-api-key': h.ws.apiKey });

async function served(file: File, type: string) {
  const { conversationId } = await inbound(h);
  const res = await post(`/api/v1/conversations/${conversationId}/messages`, native(), { type }, file);
  assert.equal(res.statusCode, 201, res.body);
  return h.app.inject({ method: 'GET', url: new URL(res.json().media.url).pathname });
}

describe('stored files cannot run in a browser', () => {
  test('HTML and SVG are downloads, with nosniff and a sandboxing CSP', async () => {
    const html = await served({ name: 'x.html', type: 'text/html', content: Buffer.from('<script>alert(document.cookie)</script>') }, 'document');
    assert.equal(html.statusCode, 200);
    assert.match(html.headers['content-disposition'] as string, /^attachment; filename="x.html"$/);
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    assert.equal(html.headers['content-security-policy'], "default-src 'none'; sandbox");
    const svg = await served(
      { name: 'x.svg', type: 'image/svg+xml', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') },
      'image',
    );
    assert.match(svg.headers['content-disposition'] as string, /^attachment;/);
    assert.equal(svg.headers['content-security-policy'], "default-src 'none'; sandbox");
  });

  test('plain images, audio and video stay inline, still with nosniff and the CSP', async () => {
    for (const [type, mime] of [
      ['image', 'image/png'],
      ['audio', 'audio/ogg'],
      ['video', 'video/mp4'],
    ]) {
      const res = await served({ name: `f.${mime.split('/')[1]}`, type: mime, content: Buffer.from('bytes') }, type);
      assert.equal(res.headers['content-type'], mime);
      assert.match(res.headers['content-disposition'] as string, /^inline;/, mime);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; sandbox");
    }
  });

  test('every API answer carries nosniff', async () => {
    const res = await h.app.inject({ url: '/healthz' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});

describe('a refused upload leaves no file behind', () => {
  const mediaFiles = () => {
    try {
      return readdirSync(join(h.config.dataDir, 'media')).length;
    } catch {
      return 0;
    }
  };
  const pdf: File = { name: 'contrato.pdf', type: 'application/pdf', content: Buffer.alloc(64 * 1024, 1) };

  test("native: another workspace's conversation (404), a wrong type (400), a duplicate (200) store nothing", async () => {
    const { conversationId } = await inbound(h);
    const foreign = await inbound(h, { ws: h.other });
    await post(`/api/v1/conversations/${conversationId}/messages`, native(), { type: 'document', clientMessageId: 'once' }, pdf);
    const before = mediaFiles();
    assert.equal((await post(`/api/v1/conversations/${foreign.conversationId}/messages`, native(), { type: 'document' }, pdf)).statusCode, 404);
    assert.equal((await post(`/api/v1/conversations/${conversationId}/messages`, native(), { type: 'contact' }, pdf)).statusCode, 400);
    assert.equal((await post(`/api/v1/conversations/${newId()}/messages`, native(), { type: 'document' }, pdf)).statusCode, 404);
    const again = await post(`/api/v1/conversations/${conversationId}/messages`, native(), { type: 'document', clientMessageId: 'once' }, pdf);
    assert.equal(again.statusCode, 200, 'a duplicate creates nothing');
    assert.equal(mediaFiles(), before);
  });

  test('JuriChat: outside human support, a file that does not match its type, an unknown scheduled message store nothing', async () => {
    const { conversationId } = await inbound(h);
    const before = mediaFiles();
    assert.equal((await post('/conversation/send-message', jurichat(), { conversationId, type: 'document' }, pdf)).statusCode, 400);
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: await makeUser(h) } });
    assert.equal((await post('/conversation/send-message', jurichat(), { conversationId, type: 'image' }, pdf)).statusCode, 400);
    const scheduledAt = new Date(Date.now() + 3600_000).toISOString();
    assert.equal((await post('/scheduled-message', jurichat(), { conversationId: newId(), type: 'document', scheduledAt }, pdf)).statusCode, 404);
    assert.equal((await post(`/scheduled-message/${newId()}`, jurichat(), { type: 'document' }, pdf, 'PATCH')).statusCode, 404);
    assert.equal(mediaFiles(), before);
    assert.equal((await post('/conversation/send-message', jurichat(), { conversationId, type: 'document' }, pdf)).statusCode, 200);
    assert.equal(mediaFiles(), before + 2, 'an accepted upload keeps its file and its description');
  });
});
