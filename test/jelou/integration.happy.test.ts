import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { ISO_MS, PREFIXES, base, createIntegration, jelou } from '../helpers/jelou.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const integrationRow = () =>
  h.store.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('dialect', '=', 'jelou')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

describe('integration lifecycle', () => {
  test('create: the success envelope, every field, a 64-hex signingSecret shown only here', async () => {
    const res = await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'https://panel.example.com/jelou' } });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json), ['message', 'statusMessage', 'status', 'data']);
    assert.deepEqual(res.json.message, ['Integration created successfully']);
    assert.equal(res.json.statusMessage, 'success');
    assert.equal(res.json.status, 1);
    const d = res.json.data;
    assert.deepEqual(Object.keys(d), ['id', 'brainId', 'webhookUrl', 'authType', 'signingSecret', 'createdAt', 'updatedAt']);
    assert.match(d.id, /^c[0-9a-z]{26}$/);
    assert.equal(d.brainId, h.ws.workspaceId, 'brainId is the project id');
    assert.equal(d.webhookUrl, 'https://panel.example.com/jelou');
    assert.equal(d.authType, 'no_auth', 'no_auth is the default');
    assert.match(d.signingSecret, /^[0-9a-f]{64}$/);
    assert.match(d.createdAt, ISO_MS);
    assert.match(d.updatedAt, ISO_MS);
    const row = await integrationRow();
    assert.equal(row?.secret, d.signingSecret, 'the signingSecret is the subscription secret');
    assert.equal(row?.auth_type, 'no_auth');
    assert.equal(row?.authorization, null);

    for (const prefix of PREFIXES) {
      for (const auth of ['key', 'basic'] as const) {
        const got = await jelou(h, 'GET', base(h.ws.workspaceId, prefix), { auth });
        assert.equal(got.status, 200, `${prefix} ${auth}: ${got.body}`);
        assert.deepEqual(got.json.message, ['Integration retrieved successfully']);
        const { signingSecret: _secret, ...withoutSecret } = d;
        assert.deepEqual(got.json.data, withoutSecret, 'GET has the same fields, without signingSecret');
        assert.deepEqual(Object.keys(got.json.data), ['id', 'brainId', 'webhookUrl', 'authType', 'createdAt', 'updatedAt']);
      }
    }
  });

  test('patch: webhookUrl, authType and authorization (never shown); rotateSecret returns a new secret once', async () => {
    const patched = await jelou(h, 'PATCH', base(h.ws.workspaceId, '/platform'), {
      auth: 'basic',
      body: { webhookUrl: 'https://panel.example.com/jelou-v2', authType: 'bearer', authorization: 'panel-token-123' },
    });
    assert.equal(patched.status, 200, patched.body);
    assert.deepEqual(patched.json.message, ['Integration updated successfully']);
    assert.deepEqual(Object.keys(patched.json.data), ['id', 'brainId', 'webhookUrl', 'authType', 'createdAt', 'updatedAt']);
    assert.equal(patched.json.data.webhookUrl, 'https://panel.example.com/jelou-v2');
    assert.equal(patched.json.data.authType, 'bearer');
    assert.ok(!patched.body.includes('panel-token-123'), 'authorization is never returned');
    const row = await integrationRow();
    assert.equal(row?.authorization, 'panel-token-123');
    assert.equal(row?.auth_type, 'bearer');
    const before = row!.secret;

    const got = await jelou(h, 'GET', base(h.ws.workspaceId));
    assert.ok(!got.body.includes('panel-token-123'));
    assert.equal(got.json.data.authType, 'bearer');

    const rotated = await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { rotateSecret: true } });
    assert.equal(rotated.status, 200, rotated.body);
    assert.deepEqual(Object.keys(rotated.json.data), ['id', 'brainId', 'webhookUrl', 'authType', 'signingSecret', 'createdAt', 'updatedAt']);
    assert.match(rotated.json.data.signingSecret, /^[0-9a-f]{64}$/);
    assert.notEqual(rotated.json.data.signingSecret, before);
    assert.equal((await integrationRow())?.secret, rotated.json.data.signingSecret);
    assert.equal(rotated.json.data.authType, 'bearer', 'other fields are left as they were');

    const toNoAuth = await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { authType: 'no_auth' } });
    assert.equal(toNoAuth.json.data.authType, 'no_auth');
    assert.equal((await integrationRow())?.authorization, null, 'no_auth keeps no credential');
    const toApiKey = await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { authType: 'api_key', authorization: 'k-1' } });
    assert.equal(toApiKey.json.data.authType, 'api_key');
    const toBasic = await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { authType: 'basic', authorization: 'user:pass' } });
    assert.equal(toBasic.json.data.authType, 'basic');
  });

  test('delete: the documented body; pending deliveries are cancelled; a new integration gets a new secret', async () => {
    const { personId } = await inbound(h, { phone: '5511930000001' });
    const start = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/start`, { body: { botId: h.ws.botId, userId: personId } });
    assert.equal(start.status, 200, start.body);
    const integration = await integrationRow();
    const pending = await h.store.db
      .selectFrom('deliveries')
      .select(['status'])
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('subscription_id', '=', integration!.id)
      .execute();
    assert.ok(pending.length > 0 && pending.every((d) => d.status === 'PENDING'), 'conversation.start is waiting to be sent');

    const deleted = await jelou(h, 'DELETE', base(h.ws.workspaceId, '/platform'));
    assert.equal(deleted.status, 200, deleted.body);
    assert.equal(deleted.body, JSON.stringify({ message: ['Integration deleted successfully'], statusMessage: 'success', status: 1 }));
    const after = await h.store.db
      .selectFrom('deliveries')
      .select(['status'])
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('subscription_id', '=', integration!.id)
      .execute();
    assert.ok(
      after.every((d) => d.status === 'CANCELLED'),
      JSON.stringify(after),
    );
    assert.equal((await jelou(h, 'GET', base(h.ws.workspaceId))).status, 404);

    const again = await createIntegration(h, 'https://panel.example.com/again', { authType: 'api_key', authorization: 'key-xyz' });
    assert.notEqual(again.id, integration!.id);
    assert.notEqual(again.signingSecret, integration!.secret);
    assert.equal(again.authType, 'api_key');
  });
});
