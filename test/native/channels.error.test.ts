import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, assertIdParams, assertRefusesBadBodies, assertRefusesBadListQueries, create, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const valid = () => ({ inboxId: h.ws.inboxId, kind: 'sandbox', name: 'x' });

test('POST and PATCH /channels refuse malformed JSON, unknown fields and non-object bodies', async () => {
  await assertRefusesBadBodies(h, 'POST', 'channels', valid());
  await assertRefusesBadBodies(h, 'PATCH', `channels/${h.ws.channelId}`, { name: 'x' });
});

test('POST /channels refuses missing fields, wrong types, unknown kinds and a WhatsApp channel without its required config', async () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ kind: 'sandbox', name: 'x' }, 'inboxId'],
    [{ ...valid(), inboxId: 'nope' }, 'inboxId'],
    [{ ...valid(), inboxId: 5 }, 'inboxId'],
    [{ inboxId: h.ws.inboxId, name: 'x' }, 'kind'],
    [{ ...valid(), kind: 'telegram' }, 'kind'],
    [{ ...valid(), kind: 'whatsapp' }, 'config.phoneNumberId'],
    [{ ...valid(), kind: 'SANDBOX' }, 'kind'],
    [{ inboxId: h.ws.inboxId, kind: 'sandbox' }, 'name'],
    [{ ...valid(), name: '' }, 'name'],
    [{ ...valid(), name: false }, 'name'],
    [{ ...valid(), config: [] }, 'config'],
    [{ ...valid(), config: 'x' }, 'config'],
    [{ ...valid(), config: null }, 'config'],
  ];
  for (const [body, field] of bad) {
    const res = await call(h, 'POST', '/api/v1/channels', { body });
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(
      Object.keys(res.json.error.details.fields).some((f) => f.startsWith(field)),
      `${JSON.stringify(body)} → ${res.body}`,
    );
  }
});

test('POST /channels with an unknown inbox is 404', async () => {
  assertError(await call(h, 'POST', '/api/v1/channels', { body: { ...valid(), inboxId: UNKNOWN_ID } }), 404, { reason: 'inbox_not_found' });
});

test('PATCH /channels/{id} cannot move the channel or change its kind', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Elsewhere' });
  for (const body of [{ inboxId: inbox.id }, { kind: 'sandbox' }, {}, { name: '' }, { config: [1] }]) {
    assertError(await call(h, 'PATCH', `/api/v1/channels/${h.ws.channelId}`, { body }), 400, { code: 'validation_failed' });
  }
  assert.equal((await call(h, 'GET', `/api/v1/channels/${h.ws.channelId}`)).json.inboxId, h.ws.inboxId);
});

test('item routes refuse malformed ids (400) and unknown ids (404)', async () => {
  await assertIdParams(h, 'channels', ['GET', 'PATCH', 'DELETE'], { name: 'x' });
});

test('GET /channels refuses malformed cursors, bad limits, unknown parameters and bad filters', async () => {
  await assertRefusesBadListQueries(h, 'channels');
  assertError(await call(h, 'GET', '/api/v1/channels', { query: { inboxId: 'x' } }), 400);
  assertError(await call(h, 'GET', '/api/v1/channels', { query: { kind: 'telegram' } }), 400);
});

test('DELETE /channels/{id} is 409 while the channel has conversations or live bots', async () => {
  await inbound(h);
  const withConversations = await call(h, 'DELETE', `/api/v1/channels/${h.ws.channelId}`);
  assertError(withConversations, 409, { reason: 'channel_has_conversations' });
  assert.match(withConversations.json.error.message, /conversations/);

  const channel = await create(h, 'channels', { ...valid(), name: 'with bot' });
  const bot = await create(h, 'bots', { name: 'b', channelId: channel.id });
  const withBot = await call(h, 'DELETE', `/api/v1/channels/${channel.id}`);
  assertError(withBot, 409, { reason: 'channel_has_bots' });
  assert.match(withBot.json.error.message, /bots/);
  assert.equal((await call(h, 'DELETE', `/api/v1/bots/${bot.id}`)).status, 204);
  assert.equal((await call(h, 'DELETE', `/api/v1/channels/${channel.id}`)).status, 204);
});
