import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { issueApiKey } from '../../src/domain/api-keys.ts';
import { PREFIXES, base, createIntegration, jelou, jelouError } from '../helpers/jelou.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('credentials', () => {
  for (const prefix of PREFIXES) {
    test(`${prefix}: missing, unknown, malformed or revoked credentials → 401 invalid_api_key`, async () => {
      const url = base(h.ws.workspaceId, prefix);
      jelouError(await jelou(h, 'GET', url, { auth: 'none' }), 401, 'invalid_api_key');
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { 'x-api-key': 'cvs_live_nope' } }), 401, 'invalid_api_key');
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { authorization: basic(h.ws.clientId, 'wrong-secret') } }), 401, 'invalid_api_key');
      jelouError(
        await jelou(h, 'GET', url, { auth: 'none', headers: { authorization: basic('cvs_client_unknown', h.ws.clientSecret) } }),
        401,
        'invalid_api_key',
      );
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { authorization: `Bearer ${h.ws.apiKey}` } }), 401, 'invalid_api_key');
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { authorization: 'Basic %%%' } }), 401, 'invalid_api_key');

      const issued = await issueApiKey(h.store.db, h.ws.workspaceId, 'to revoke');
      assert.equal(
        (await jelou(h, 'GET', url, { auth: 'none', headers: { 'x-api-key': issued.key } })).status,
        404,
        'the fresh key works (no integration yet)',
      );
      await h.store.db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', issued.apiKey.id).execute();
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { 'x-api-key': issued.key } }), 401, 'invalid_api_key');
      jelouError(await jelou(h, 'GET', url, { auth: 'none', headers: { authorization: basic(issued.clientId, issued.clientSecret) } }), 401, 'invalid_api_key');
    });

    test(`${prefix}: another workspace's key or client on this projectId → 401 project_mismatch, before the body is read`, async () => {
      const url = base(h.ws.workspaceId, prefix);
      for (const auth of ['key', 'basic'] as const) {
        const e = jelouError(await jelou(h, 'GET', url, { ws: h.other, auth }), 401, 'project_mismatch');
        assert.match(e.error.description, new RegExp(h.ws.workspaceId));
        jelouError(await jelou(h, 'POST', url, { ws: h.other, auth, body: { webhookUrl: 'https://evil.example.com' } }), 401, 'project_mismatch');
        jelouError(await jelou(h, 'PATCH', url, { ws: h.other, auth, body: { rotateSecret: true } }), 401, 'project_mismatch');
        jelouError(await jelou(h, 'DELETE', url, { ws: h.other, auth }), 401, 'project_mismatch');
        jelouError(await jelou(h, 'POST', url, { ws: h.other, auth, raw: '{broken' }), 401, 'project_mismatch');
      }
      jelouError(await jelou(h, 'POST', url, { auth: 'none', raw: '{broken' }), 401, 'invalid_api_key');
    });
  }

  test("a workspace's integration is invisible to another one, even with the same prefix", async () => {
    const mine = await createIntegration(h, 'https://mine.example.com/hook', { authType: 'bearer', authorization: 'secret-token' });
    const theirs = await jelou(h, 'GET', base(h.other.workspaceId), { ws: h.other });
    jelouError(theirs, 404, 'integration_not_found');
    const created = await createIntegration(h, 'https://theirs.example.com/hook', { ws: h.other });
    assert.notEqual(created.id, mine.id);
    assert.notEqual(created.signingSecret, mine.signingSecret);
    assert.equal((await jelou(h, 'GET', base(h.ws.workspaceId))).json.data.id, mine.id);
    await jelou(h, 'DELETE', base(h.other.workspaceId), { ws: h.other });
    assert.equal((await jelou(h, 'GET', base(h.ws.workspaceId))).status, 200, 'deleting theirs leaves mine');
  });

  test('neither the signingSecret nor the authorization ever appears after create', async () => {
    const row = await h.store.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('dialect', '=', 'jelou')
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    for (const res of [
      await jelou(h, 'GET', base(h.ws.workspaceId)),
      await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { webhookUrl: 'https://mine.example.com/v2' } }),
      await jelou(h, 'GET', base(h.ws.workspaceId, '/platform'), { auth: 'basic' }),
    ]) {
      assert.equal(res.status, 200);
      assert.ok(!res.body.includes(row.secret), 'no signingSecret');
      assert.ok(!res.body.includes('secret-token'), 'no authorization');
    }
  });
});

describe('webhook targets', () => {
  test('private and loopback addresses are refused unless the server allows them', async () => {
    const strict = await startHarness({ allowPrivateWebhooks: false });
    try {
      for (const webhookUrl of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://169.254.169.254/latest', 'http://10.0.0.5/hook']) {
        const e = jelouError(await jelou(strict, 'POST', base(strict.ws.workspaceId), { body: { webhookUrl } }), 422, 'validation_failed');
        assert.deepEqual(Object.keys(e.validationError), ['webhookUrl']);
      }
      assert.equal((await jelou(strict, 'POST', base(strict.ws.workspaceId), { body: { webhookUrl: 'https://panel.example.com/hook' } })).status, 200);
      jelouError(await jelou(strict, 'PATCH', base(strict.ws.workspaceId), { body: { webhookUrl: 'http://[::1]/hook' } }), 422, 'validation_failed');
    } finally {
      await strict.close();
    }
  });
});
