import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { base, createIntegration, jelou, jelouError } from '../helpers/jelou.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

describe('without an integration', () => {
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    test(`${method} → 404 integration_not_found`, async () => {
      const res = await jelou(h, method, base(h.ws.workspaceId), method === 'PATCH' ? { body: { webhookUrl: 'https://x.example.com' } } : {});
      const e = jelouError(res, 404, 'integration_not_found');
      assert.equal(e.message, 'Integration not found');
      assert.match(e.error.description, new RegExp(h.ws.workspaceId));
    });
  }
});

describe('refused input on create', () => {
  test('webhookUrl is required', async () => {
    const e = jelouError(await jelou(h, 'POST', base(h.ws.workspaceId), { body: {} }), 422, 'validation_failed');
    assert.deepEqual(e.validationError, { webhookUrl: ['is required'] });
  });

  test('webhookUrl must be http(s)', async () => {
    const e = jelouError(await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'ftp://panel.example.com/x' } }), 422, 'validation_failed');
    assert.deepEqual(e.validationError, { webhookUrl: ['must use http or https'] });
    jelouError(await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'not a url' } }), 422, 'validation_failed');
  });

  test('authType must be one of the four', async () => {
    const e = jelouError(
      await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'https://p.example.com', authType: 'oauth' } }),
      422,
      'validation_failed',
    );
    assert.deepEqual(Object.keys(e.validationError), ['authType']);
  });

  test('authorization is required unless no_auth', async () => {
    for (const authType of ['bearer', 'api_key', 'basic']) {
      const e = jelouError(
        await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'https://p.example.com', authType } }),
        422,
        'validation_failed',
      );
      assert.deepEqual(Object.keys(e.validationError), ['authorization']);
    }
  });

  test('malformed JSON and a non-object body are 422 validation_failed', async () => {
    const bad = jelouError(await jelou(h, 'POST', base(h.ws.workspaceId), { raw: '{"webhookUrl": ' }), 422, 'validation_failed');
    assert.deepEqual(bad.validationError, { body: ['is not valid JSON'] });
    jelouError(await jelou(h, 'POST', base(h.ws.workspaceId), { raw: '[1,2]' }), 422, 'validation_failed');
  });

  test('nothing was created by the refused requests', async () => {
    assert.equal((await jelou(h, 'GET', base(h.ws.workspaceId))).status, 404);
  });
});

describe('with an integration', () => {
  test('a second create → 409 integration_already_exists; the first one is untouched', async () => {
    const first = await createIntegration(h, 'https://p.example.com/one');
    const e = jelouError(
      await jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: 'https://p.example.com/two' } }),
      409,
      'integration_already_exists',
    );
    assert.equal(e.message, 'Integration already exists');
    const got = await jelou(h, 'GET', base(h.ws.workspaceId));
    assert.equal(got.json.data.id, first.id);
    assert.equal(got.json.data.webhookUrl, 'https://p.example.com/one');
  });

  test('two creates at once: exactly one wins', async () => {
    await jelou(h, 'DELETE', base(h.ws.workspaceId));
    const results = await Promise.all(
      [1, 2, 3].map((i) => jelou(h, 'POST', base(h.ws.workspaceId), { body: { webhookUrl: `https://p.example.com/race${i}` } })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
    const rows = await h.store.db
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('dialect', '=', 'jelou')
      .where('deleted_at', 'is', null)
      .execute();
    assert.equal(rows.length, 1);
  });

  test('patch: a bad webhookUrl or authType, a credential-less authType → 422, nothing changed', async () => {
    const before = (await jelou(h, 'GET', base(h.ws.workspaceId))).json.data;
    jelouError(await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { webhookUrl: 'javascript:alert(1)' } }), 422, 'validation_failed');
    jelouError(await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { authType: 'digest' } }), 422, 'validation_failed');
    const e = jelouError(await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { authType: 'bearer' } }), 422, 'validation_failed');
    assert.deepEqual(Object.keys(e.validationError), ['authorization']);
    jelouError(await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { rotateSecret: 'yes' } }), 422, 'validation_failed');
    assert.deepEqual((await jelou(h, 'GET', base(h.ws.workspaceId))).json.data, before);
  });
});
