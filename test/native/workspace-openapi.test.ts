import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const ROUTES: [string, string, number][] = [
  ['get', '/api/v1/api-keys', 200],
  ['post', '/api/v1/api-keys', 201],
  ['delete', '/api/v1/api-keys/{id}', 200],
  ...['inboxes', 'channels', 'bots', 'users', 'roles', 'people'].flatMap((r): [string, string, number][] => [
    ['get', `/api/v1/${r}`, 200],
    ['post', `/api/v1/${r}`, 201],
    ['get', `/api/v1/${r}/{id}`, 200],
    ['patch', `/api/v1/${r}/{id}`, 200],
    ['delete', `/api/v1/${r}/{id}`, 204],
  ]),
  ['get', '/api/v1/groups', 200],
  ['post', '/api/v1/groups', 201],
  ['get', '/api/v1/groups/{id}', 200],
  ['patch', '/api/v1/groups/{id}', 200],
  ['put', '/api/v1/groups/{id}/members', 200],
];

test('the OpenAPI document describes every workspace route with its body, answers and errors', async () => {
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  for (const [method, path, success] of ROUTES) {
    const op = doc.paths[path]?.[method];
    assert.ok(op, `${method.toUpperCase()} ${path} is documented`);
    assert.ok(op.summary, `${method} ${path} has a summary`);
    assert.ok(op.responses[String(success)], `${method} ${path} documents ${success}`);
    assert.ok(op.responses['401'] && op.responses['400'], `${method} ${path} documents 400 and 401`);
    assert.deepEqual(op.security, [{ bearer: [] }, { session: [] }], 'an API key or the session cookie');
    if (method !== 'get') assert.ok(op.responses['403'], `${method} ${path} documents 403 (agents, or a cookie without Origin)`);
    if (path.includes('{id}')) assert.ok(op.responses['404'], `${method} ${path} documents 404`);
    if (['post', 'patch', 'put'].includes(method)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${path} documents its body`);
      assert.equal(schema.additionalProperties, false, `${method} ${path} refuses unknown fields`);
    }
  }
});
