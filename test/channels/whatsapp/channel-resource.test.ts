import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../../helpers/harness.ts';
import { assertError, listAll } from '../../helpers/resources.ts';
import { ACCESS_TOKEN, APP_SECRET, createWhatsApp, freshPhoneNumberId, postWebhook } from './wa-helpers.ts';
import { metaEnvelope, inboundText, signMeta, metaJson } from './meta-payloads.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const hint = (secret: string) => `••••${secret.slice(-4)}`;

/** No read of a channel ever carries a secret's value. */
function assertHidden(json: any, secrets: string[] = [ACCESS_TOKEN, APP_SECRET]) {
  const text = JSON.stringify(json);
  for (const secret of secrets) assert.ok(!text.includes(secret), `the secret ${secret.slice(0, 6)}… is not shown`);
}

const createBody = (config: Record<string, unknown>) => ({ inboxId: h.ws.inboxId, kind: 'whatsapp', name: 'WA', config });

describe('create', () => {
  test('each required config field missing is a 400 naming it', async () => {
    const full = { phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET };
    for (const field of ['phoneNumberId', 'accessToken', 'appSecret'] as const) {
      const { [field]: _gone, ...rest } = full;
      const res = await call(h, 'POST', '/api/v1/channels', { body: createBody(rest) });
      assertError(res, 400);
      assert.match(res.json.error.message, new RegExp(`config\\.${field}`), res.body);
    }
    assert.equal((await listAll(h, 'channels')).filter((c) => c.kind === 'whatsapp' && c.config.phoneNumberId === full.phoneNumberId).length, 0);
  });

  test('malformed values are 400 naming the field', async () => {
    for (const [config, field] of [
      [{ phoneNumberId: '+55 11 4000', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }, 'phoneNumberId'],
      [{ phoneNumberId: freshPhoneNumberId(), accessToken: '', appSecret: APP_SECRET }, 'accessToken'],
      [{ phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, wabaId: 'abc' }, 'wabaId'],
      [{ phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, graphApiVersion: '25' }, 'graphApiVersion'],
      [{ phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, surprise: 1 }, 'surprise'],
    ] as const) {
      const res = await call(h, 'POST', '/api/v1/channels', { body: createBody(config) });
      assertError(res, 400);
      assert.match(res.json.error.message, new RegExp(`config\\.${field}`), res.body);
    }
  });

  test('the answer: verifyToken generated (32+ chars), defaults, webhookUrl, status, secrets as hints only', async () => {
    const channel = await createWhatsApp(h, { wabaId: '102290129340398', displayPhoneNumber: '+55 11 4000-0000' });
    const c = channel.json;
    assert.equal(c.kind, 'whatsapp');
    assert.equal(typeof c.config.verifyToken, 'string');
    assert.ok(c.config.verifyToken.length >= 32, `verifyToken ${c.config.verifyToken} has 32+ characters`);
    assert.equal(c.config.accessToken, hint(ACCESS_TOKEN));
    assert.equal(c.config.appSecret, hint(APP_SECRET));
    assert.equal(c.config.graphApiUrl, 'https://graph.facebook.com');
    assert.equal(c.config.graphApiVersion, 'v25.0');
    assert.equal(c.config.sendReadReceipts, true);
    assert.equal(c.config.phoneNumberId, channel.phoneNumberId);
    assert.equal(c.status, 'active');
    assert.equal(c.lastError, null);
    assert.equal(c.lastWebhookAt, null);
    assert.match(c.webhookUrl, new RegExp(`/webhooks/whatsapp/${c.id}$`));
    assertHidden(c);

    const other = await createWhatsApp(h);
    assert.notEqual(other.json.config.verifyToken, c.config.verifyToken, 'each channel gets its own random token');
  });

  test('a given verifyToken is kept and shown', async () => {
    const channel = await createWhatsApp(h, { verifyToken: 'my-own-verify-token' });
    assert.equal(channel.json.config.verifyToken, 'my-own-verify-token');
  });

  test('GET, list and PATCH show the secrets only as ••••last4', async () => {
    const channel = await createWhatsApp(h);
    const got = await call(h, 'GET', `/api/v1/channels/${channel.id}`);
    assert.equal(got.status, 200, got.body);
    assert.equal(got.json.config.accessToken, hint(ACCESS_TOKEN));
    assert.equal(got.json.config.appSecret, hint(APP_SECRET));
    assertHidden(got.json);
    const listed = (await listAll(h, 'channels')).find((c) => c.id === channel.id);
    assert.equal(listed.config.accessToken, hint(ACCESS_TOKEN));
    assertHidden(await listAll(h, 'channels'));
    const patched = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { name: 'Renamed' } });
    assert.equal(patched.status, 200, patched.body);
    assert.equal(patched.json.name, 'Renamed');
    assert.equal(patched.json.config.appSecret, hint(APP_SECRET));
    assertHidden(patched.json);
  });
});

describe('secrets', () => {
  test('PATCH rotates the app secret: webhooks are checked with the new one', async () => {
    const channel = await createWhatsApp(h);
    const rotated = 'rotated-app-secret-ZZZZ';
    const res = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { config: { appSecret: rotated } } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.config.appSecret, hint(rotated));
    assert.equal(res.json.config.accessToken, hint(ACCESS_TOKEN), 'the other secret stays');
    assert.equal(res.json.config.phoneNumberId, channel.phoneNumberId, 'the rest of the config stays');
    assertHidden(res.json, [rotated, ACCESS_TOKEN]);
    const body = metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987650001', id: 'wamid.rotate1', body: 'oi' }));
    const raw = metaJson(body);
    assert.equal((await postWebhook(h, channel, body, { raw, signature: signMeta(raw, APP_SECRET) })).status, 401, 'the old secret no longer signs');
    assert.equal((await postWebhook(h, channel, body, { raw, signature: signMeta(raw, rotated) })).status, 200, 'the new one does');
  });

  test('PATCH rotates the access token', async () => {
    const channel = await createWhatsApp(h);
    const res = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { config: { accessToken: 'EAAGnew-token-WXYZ' } } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.config.accessToken, '••••WXYZ');
    const row = await h.store.db.selectFrom('channels').select('config').where('id', '=', channel.id).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(row.config).accessToken, 'EAAGnew-token-WXYZ', 'stored in full');
  });

  test('a config read back and written whole (hints in place of secrets) keeps the secrets', async () => {
    const channel = await createWhatsApp(h);
    const got = (await call(h, 'GET', `/api/v1/channels/${channel.id}`)).json;
    const res = await call(h, 'PATCH', `/api/v1/channels/${channel.id}`, { body: { config: { ...got.config, displayPhoneNumber: '+55 11 4000-0001' } } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.config.displayPhoneNumber, '+55 11 4000-0001');
    assert.equal(res.json.config.appSecret, hint(APP_SECRET));
    const row = await h.store.db.selectFrom('channels').select('config').where('id', '=', channel.id).executeTakeFirstOrThrow();
    const stored = JSON.parse(row.config);
    assert.equal(stored.appSecret, APP_SECRET, 'the hint was not stored as the secret');
    assert.equal(stored.accessToken, ACCESS_TOKEN);
    const body = metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987650002', id: 'wamid.hintkeep1', body: 'oi' }));
    assert.equal((await postWebhook(h, channel, body)).status, 200, 'webhooks signed with the original secret still pass');
  });
});

describe('phone number ids', () => {
  test('a phoneNumberId taken by a live channel is 409, in the same workspace or another', async () => {
    const channel = await createWhatsApp(h);
    const same = await call(h, 'POST', '/api/v1/channels', {
      body: createBody({ phoneNumberId: channel.phoneNumberId, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }),
    });
    assertError(same, 409);
    const other = await call(h, 'POST', '/api/v1/channels', {
      key: h.other.apiKey,
      body: { inboxId: h.other.inboxId, kind: 'whatsapp', name: 'Thief', config: { phoneNumberId: channel.phoneNumberId, accessToken: 'x', appSecret: 'y' } },
    });
    assertError(other, 409);
    assert.ok(!(await listAll(h, 'channels', { ws: h.other })).some((c) => c.kind === 'whatsapp'));
  });

  test('PATCH onto a taken phoneNumberId is 409 and changes nothing', async () => {
    const a = await createWhatsApp(h);
    const b = await createWhatsApp(h, {}, h.other);
    const res = await call(h, 'PATCH', `/api/v1/channels/${b.id}`, { key: h.other.apiKey, body: { config: { phoneNumberId: a.phoneNumberId } } });
    assertError(res, 409);
    const got = await call(h, 'GET', `/api/v1/channels/${b.id}`, { key: h.other.apiKey });
    assert.equal(got.json.config.phoneNumberId, b.phoneNumberId);
  });

  test('a deleted channel frees its phoneNumberId', async () => {
    const a = await createWhatsApp(h);
    assert.equal((await call(h, 'DELETE', `/api/v1/channels/${a.id}`)).status, 204);
    const again = await createWhatsApp(h, { phoneNumberId: a.phoneNumberId });
    assert.equal(again.phoneNumberId, a.phoneNumberId);
  });
});

describe('graphApiUrl', () => {
  test('a private graphApiUrl is refused unless private URLs are allowed', async () => {
    const strict = await startHarness({ allowPrivateWebhooks: false });
    try {
      for (const url of ['http://127.0.0.1:9999', 'http://10.0.0.5', 'http://localhost:8080']) {
        const res = await call(strict, 'POST', '/api/v1/channels', {
          key: strict.ws.apiKey,
          body: {
            inboxId: strict.ws.inboxId,
            kind: 'whatsapp',
            name: 'WA',
            config: { phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, graphApiUrl: url },
          },
        });
        assertError(res, 400);
        assert.match(res.json.error.message, /config\.graphApiUrl/, res.body);
      }
      const ok = await call(strict, 'POST', '/api/v1/channels', {
        key: strict.ws.apiKey,
        body: { inboxId: strict.ws.inboxId, kind: 'whatsapp', name: 'WA', config: { phoneNumberId: freshPhoneNumberId(), accessToken: 'a', appSecret: 'b' } },
      });
      assert.equal(ok.status, 201, `the default (public) Graph URL is fine: ${ok.body}`);
      const patched = await call(strict, 'PATCH', `/api/v1/channels/${ok.json.id}`, {
        key: strict.ws.apiKey,
        body: { config: { graphApiUrl: 'http://192.168.1.1' } },
      });
      assertError(patched, 400);
    } finally {
      await strict.close();
    }
  });

  test('the harness allows private URLs: a loopback graphApiUrl is kept (trailing slash dropped)', async () => {
    const channel = await createWhatsApp(h, { graphApiUrl: 'http://127.0.0.1:9/' });
    assert.equal(channel.json.config.graphApiUrl, 'http://127.0.0.1:9');
  });
});
