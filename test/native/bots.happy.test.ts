import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError, assertKeys, assertPaginates, assertTimes, create, listAll, ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const BOT_KEYS = ['id', 'inboxId', 'channelId', 'name', 'type', 'createdAt', 'updatedAt'];

test("POST /bots creates a bot on a channel, in the channel's inbox, type Whatsapp by default", async () => {
  const bot = await create(h, 'bots', { name: 'Atendente virtual', channelId: h.ws.channelId });
  assertKeys(bot, BOT_KEYS);
  assert.match(bot.id, ID);
  assert.equal(bot.inboxId, h.ws.inboxId);
  assert.equal(bot.channelId, h.ws.channelId);
  assert.equal(bot.name, 'Atendente virtual');
  assert.equal(bot.type, 'Whatsapp');
  assertTimes(bot, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/bots/${bot.id}`)).json, bot);
  assert.deepEqual(
    (await listAll(h, 'bots')).find((b) => b.id === bot.id),
    bot,
  );
  assert.equal((await create(h, 'bots', { name: 'Web bot', channelId: h.ws.channelId, type: 'Web' })).type, 'Web');
});

test('GET /bots filters by inbox and channel', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Other inbox' });
  const channel = await create(h, 'channels', { inboxId: inbox.id, kind: 'sandbox', name: 'Other line' });
  const bot = await create(h, 'bots', { name: 'There', channelId: channel.id });
  assert.equal(bot.inboxId, inbox.id);
  assert.deepEqual(
    (await listAll(h, 'bots', { query: { inboxId: inbox.id } })).map((b) => b.id),
    [bot.id],
  );
  assert.deepEqual(
    (await listAll(h, 'bots', { query: { channelId: channel.id } })).map((b) => b.id),
    [bot.id],
  );
  const home = await listAll(h, 'bots', { query: { channelId: h.ws.channelId } });
  assert.ok(home.some((b) => b.id === h.ws.botId) && !home.some((b) => b.id === bot.id));
});

test('PATCH /bots/{id} renames, retypes and moves a bot; moving changes its inbox', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Target inbox' });
  const channel = await create(h, 'channels', { inboxId: inbox.id, kind: 'sandbox', name: 'Target line' });
  const bot = await create(h, 'bots', { name: 'Mover', channelId: h.ws.channelId });
  const patched = await call(h, 'PATCH', `/api/v1/bots/${bot.id}`, { body: { name: 'Moved', type: 'Instagram', channelId: channel.id } });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, BOT_KEYS);
  assert.equal(patched.json.name, 'Moved');
  assert.equal(patched.json.type, 'Instagram');
  assert.equal(patched.json.channelId, channel.id);
  assert.equal(patched.json.inboxId, inbox.id);
  assert.equal(patched.json.createdAt, bot.createdAt);
  assert.deepEqual((await call(h, 'GET', `/api/v1/bots/${bot.id}`)).json, patched.json);
});

test("a new channel's bot is the bot of the conversations that start there", async () => {
  const channel = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Bot line' });
  const bot = await create(h, 'bots', { name: 'Line bot', channelId: channel.id });
  const res = await call(h, 'POST', `/api/v1/channels/${channel.id}/inbound`, {
    body: { from: { phone: '5511977776666' }, message: { type: 'text', text: 'oi' } },
  });
  assert.equal(res.status, 200, res.body);
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${res.json.conversationId}`)).json.botId, bot.id);
});

test('DELETE /bots/{id} answers 204; the bot is then 404 and left out of lists', async () => {
  const bot = await create(h, 'bots', { name: 'Gone', channelId: h.ws.channelId });
  const deleted = await call(h, 'DELETE', `/api/v1/bots/${bot.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/bots/${bot.id}`), 404, { reason: 'bot_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/bots/${bot.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/bots/${bot.id}`), 404);
  assert.ok(!(await listAll(h, 'bots')).some((b) => b.id === bot.id));
});

test('Idempotency-Key on POST /bots replays the first answer', async () => {
  const body = { name: 'Idem bot', channelId: h.ws.channelId };
  const headers = { 'idempotency-key': 'bot-1' };
  const first = await call(h, 'POST', '/api/v1/bots', { body, headers });
  const replay = await call(h, 'POST', '/api/v1/bots', { body, headers });
  assert.equal(first.status, 201);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/bots', { body: { ...body, type: 'Web' }, headers }), 409);
  assert.equal((await listAll(h, 'bots')).filter((b) => b.name === 'Idem bot').length, 1);
});

test('GET /bots pages by id', async () => {
  await assertPaginates(h, 'bots', 5);
});
