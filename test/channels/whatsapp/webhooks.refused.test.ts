import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../helpers/harness.ts';
import { UNKNOWN_ID } from '../../helpers/resources.ts';
import { createWhatsApp, channelMessages, postWebhook, webhookLog, wamid, nowSec, type WaChannel } from './wa-helpers.ts';
import { metaEnvelope, inboundText, metaJson, signMeta } from './meta-payloads.ts';

let h: Harness;
let channel: WaChannel;
before(async () => {
  h = await startHarness();
  channel = await createWhatsApp(h, { verifyToken: 'the-verify-token-of-this-channel-123' });
});
after(async () => {
  await h?.close();
});

const handshake = (channelId: string, query: Record<string, string>) => h.app.inject({ method: 'GET', url: `/webhooks/whatsapp/${channelId}`, query });

async function logRows(channelId = channel.id): Promise<number> {
  const rows = await h.store.db.selectFrom('channel_webhook_log').select('id').where('channel_id', '=', channelId).execute();
  return rows.length;
}

describe('the verification handshake', () => {
  test('the right token: 200, text/plain, exactly the challenge', async () => {
    const res = await handshake(channel.id, {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'the-verify-token-of-this-channel-123',
      'hub.challenge': '1158201444',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.equal(res.body, '1158201444');
  });

  test('a wrong token, or a mode other than subscribe, is 403 and never echoes the challenge', async () => {
    for (const query of <Record<string, string>[]>[
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': 'c1' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'the-verify-token-of-this-channel-12', 'hub.challenge': 'c1' },
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'the-verify-token-of-this-channel-123', 'hub.challenge': 'c1' },
      { 'hub.mode': 'subscribe', 'hub.challenge': 'c1' },
      {},
    ]) {
      const res = await handshake(channel.id, query);
      assert.equal(res.statusCode, 403, JSON.stringify(query));
      assert.ok(!res.body.includes('c1'));
    }
  });

  test("another channel's token does not open this one", async () => {
    const second = await createWhatsApp(h);
    const res = await handshake(channel.id, { 'hub.mode': 'subscribe', 'hub.verify_token': second.json.config.verifyToken, 'hub.challenge': 'x' });
    assert.equal(res.statusCode, 403);
  });

  test('an unknown or deleted channel is 404, as is a non-WhatsApp channel', async () => {
    const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'the-verify-token-of-this-channel-123', 'hub.challenge': 'x' };
    assert.equal((await handshake(UNKNOWN_ID, query)).statusCode, 404);
    assert.equal((await handshake(h.ws.channelId, query)).statusCode, 404, 'the sandbox channel has no Meta callback');
    const gone = await createWhatsApp(h, { verifyToken: 'gone-token' });
    assert.equal(
      (await h.app.inject({ method: 'DELETE', url: `/api/v1/channels/${gone.id}`, headers: { authorization: `Bearer ${h.ws.apiKey}` } })).statusCode,
      204,
    );
    assert.equal((await handshake(gone.id, { ...query, 'hub.verify_token': 'gone-token' })).statusCode, 404);
  });
});

describe('signed webhooks refused', () => {
  const body = () =>
    metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987651111', id: wamid('sig'), body: 'não devia chegar', timestamp: nowSec() }));

  test('a missing signature is 401 and nothing is stored: no message, no log row', async () => {
    const before = await logRows();
    const res = await postWebhook(h, channel, body(), { signature: null });
    assert.equal(res.status, 401, res.body);
    assert.equal(await logRows(), before);
    assert.deepEqual(await channelMessages(h, channel.id), []);
  });

  test('a wrong signature (other secret, other bytes, malformed, sha1) is 401 and nothing is stored', async () => {
    const b = body();
    const raw = metaJson(b);
    const before = await logRows();
    for (const signature of [
      signMeta(raw, 'not-the-secret'),
      signMeta(`${raw} `, channel.appSecret),
      signMeta(raw, channel.appSecret).replace('sha256=', 'sha1='),
      signMeta(raw, channel.appSecret).slice(0, -2),
      'sha256=',
      '',
      'garbage',
    ]) {
      const res = await postWebhook(h, channel, b, { raw, signature });
      assert.equal(res.status, 401, `${signature}: ${res.body}`);
    }
    assert.equal(await logRows(), before);
    assert.deepEqual(await channelMessages(h, channel.id), []);
    const people = await h.store.db.selectFrom('people').select('id').where('phone_number', '=', '5511987651111').execute();
    assert.deepEqual(people, [], 'no person created either');
  });

  test('the signature covers the bytes as sent: re-serialised JSON with the same meaning is 401', async () => {
    const b = metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987651111', id: wamid('bytes'), body: 'ação', timestamp: nowSec() }));
    const escaped = metaJson(b);
    const plain = JSON.stringify(b);
    assert.notEqual(escaped, plain);
    assert.equal((await postWebhook(h, channel, b, { raw: plain, signature: signMeta(escaped, channel.appSecret) })).status, 401);
    assert.equal((await postWebhook(h, channel, b, { raw: escaped, signature: signMeta(escaped, channel.appSecret) })).status, 200);
  });

  test("another channel's secret does not sign for this one", async () => {
    const second = await createWhatsApp(h, { appSecret: 'second-channel-secret' });
    const res = await postWebhook(h, channel, body(), { secret: 'second-channel-secret' });
    assert.equal(res.status, 401);
    assert.equal(second.appSecret, 'second-channel-secret');
  });

  test('an unknown channel is 404', async () => {
    const res = await postWebhook(h, { id: UNKNOWN_ID, appSecret: channel.appSecret }, body());
    assert.equal(res.status, 404, res.body);
  });

  test('a signed body that is not JSON is 400 and no message is stored', async () => {
    const count = (await channelMessages(h, channel.id)).length;
    for (const raw of ['{"object": ', 'not json at all', '']) {
      const res = await postWebhook(h, channel, null, { raw, signature: signMeta(raw, channel.appSecret) });
      assert.equal(res.status, 400, `${JSON.stringify(raw)}: ${res.body}`);
    }
    assert.equal((await channelMessages(h, channel.id)).length, count);
  });

  test('a signed JSON body of an unknown shape is 200 and kept in the webhook log', async () => {
    const count = (await channelMessages(h, channel.id)).length;
    for (const unknown of [{ hello: 'world' }, [1, 2, 3], 'a string', { object: 'whatsapp_business_account', entry: 'nope' }, { entry: [{ changes: [{}] }] }]) {
      const raw = JSON.stringify(unknown);
      const res = await postWebhook(h, channel, unknown, { raw });
      assert.equal(res.status, 200, `${raw}: ${res.body}`);
      const log = await webhookLog(h, channel.id, { limit: '1' });
      assert.equal(log.status, 200, log.body);
      assert.deepEqual(log.json.data[0].body, unknown, 'the newest log row is this body');
      assert.equal(log.json.data[0].signatureValid, true);
    }
    assert.equal((await channelMessages(h, channel.id)).length, count);
  });

  test('a change for a number no channel owns is 200, kept in the log, creates nothing', async () => {
    const count = (await channelMessages(h, channel.id)).length;
    const b = metaEnvelope('999999999999', inboundText({ from: '5511987652222', id: wamid('foreign'), body: 'para outro número', timestamp: nowSec() }));
    const res = await postWebhook(h, channel, b);
    assert.equal(res.status, 200, res.body);
    const log = await webhookLog(h, channel.id, { limit: '1' });
    assert.equal(log.json.data[0].body.entry[0].changes[0].value.metadata.phone_number_id, '999999999999');
    assert.equal((await channelMessages(h, channel.id)).length, count);
  });

  test("a change naming a number of another workspace's channel is not routed there", async () => {
    const count = (await channelMessages(h, channel.id)).length;
    const foreign = await createWhatsApp(h, {}, h.other);
    const b = metaEnvelope(foreign.phoneNumberId, inboundText({ from: '5511987653333', id: wamid('xws'), body: 'cross', timestamp: nowSec() }));
    assert.equal((await postWebhook(h, channel, b)).status, 200);
    const rows = await h.store.db.selectFrom('messages').select('id').where('workspace_id', '=', h.other.workspaceId).where('content', '=', 'cross').execute();
    assert.deepEqual(rows, []);
    assert.equal((await channelMessages(h, channel.id)).length, count);
  });

  test('a body over 3 MB is refused (413) and not stored', async () => {
    const before = await logRows();
    const raw = JSON.stringify({ object: 'whatsapp_business_account', padding: 'x'.repeat(3 * 1024 * 1024 + 10) });
    const res = await postWebhook(h, channel, null, { raw, signature: signMeta(raw, channel.appSecret) });
    assert.equal(res.status, 413, res.body.slice(0, 200));
    assert.equal(await logRows(), before);
  });

  test('a body just under 3 MB is accepted', async () => {
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(3 * 1024 * 1024 - 200) });
    const res = await postWebhook(h, channel, null, { raw, signature: signMeta(raw, channel.appSecret) });
    assert.equal(res.status, 200, res.body.slice(0, 200));
  });
});
