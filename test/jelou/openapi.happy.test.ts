import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let doc: any;
before(async () => {
  h = await startHarness();
  doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
after(async () => {
  await h?.close();
});

const MANAGEMENT = ['', '/conversations/start', '/conversations/close', '/conversations/{conversationId}'];

test('every Jelou route is documented under both prefixes, tagged jelou, with its security', () => {
  for (const prefix of ['/jelouapi', '/platform']) {
    for (const tail of MANAGEMENT) {
      const path = doc.paths[`${prefix}/v1/external-support/{projectId}${tail}`];
      assert.ok(path, `${prefix} ${tail}`);
      for (const [method, op] of Object.entries<any>(path)) {
        assert.deepEqual(op.tags, ['jelou'], `${method} ${prefix}${tail}`);
        assert.deepEqual(op.security, [{ jelouKey: [] }, { jelouBasic: [] }]);
        assert.ok(op.responses['200'], 'the success shape');
        assert.ok(op.responses['401'], 'the error shape');
        if (method === 'post' || method === 'patch') assert.ok(op.requestBody, `${method} ${tail} has a body schema`);
      }
    }
    const integration = doc.paths[`${prefix}/v1/external-support/{projectId}`];
    assert.deepEqual(Object.keys(integration).sort(), ['delete', 'get', 'patch', 'post']);
  }
  for (const path of ['/v1/external-support/webhook', '/jelouapi/v1/external-support/webhook', '/platform/v1/external-support/webhook']) {
    const op = doc.paths[path].post;
    assert.deepEqual(op.tags, ['jelou']);
    assert.deepEqual(op.security, [], 'signed, not keyed');
    assert.ok(op.requestBody);
    for (const status of ['200', '401', '404', '409', '422']) assert.ok(op.responses[status], `${path} ${status}`);
  }
  assert.deepEqual(doc.components.securitySchemes.jelouKey, { type: 'apiKey', in: 'header', name: 'x-api-key' });
  assert.deepEqual(doc.components.securitySchemes.jelouBasic, { type: 'http', scheme: 'basic' });
});
