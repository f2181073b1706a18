import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * The OpenAPI document is what generated clients are built from (issue 12): what Redocly's
 * `recommended` rules check, plus what matters here, asserted without Redocly; the last test runs
 * Redocly itself (a dev dependency; `REDOCLY=<path>` runs another copy).
 */

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string; description?: string; contact?: { name?: string }; license?: { name: string; identifier?: string; url?: string } };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  'x-tagGroups'?: { name: string; tags: string[] }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Operations that take no credentials; every other one names a security scheme. */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /media/{token}/{name}',
  'POST /v1/external-support/webhook',
  'POST /jelouapi/v1/external-support/webhook',
  'POST /platform/v1/external-support/webhook',
  'GET /webhooks/whatsapp/{channelId}',
  'POST /webhooks/whatsapp/{channelId}',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/invite/{token}',
  'POST /api/v1/auth/invite/{token}',
]);

/**
 * Both paths are the spec's: JuriChat's `/webhooks/{webhookId}/test` (and `/deliveries`) and the
 * WhatsApp callback URL. `/webhooks/whatsapp/test` fits both templates; the router takes the
 * literal segment, and JuriChat webhook ids are generated, never `whatsapp`.
 */
const specAmbiguity = (a: string, b: string) =>
  [a, b].includes('/webhooks/whatsapp/{channelId}') && [a, b].some((p) => /^\/webhooks\/\{webhookId\}\/[a-z]+$/.test(p));

type Surface = 'native' | 'jurichat' | 'jelou' | 'platform';

function surfaceOf(path: string): Surface {
  if (path.startsWith('/api/v1/')) return 'native';
  if (/^\/(jelouapi\/|platform\/)?v1\/external-support\//.test(path)) return 'jelou';
  if (path === '/healthz' || path === '/readyz' || path.startsWith('/media/')) return 'platform';
  if (path.startsWith('/webhooks/whatsapp/')) return 'native';
  return 'jurichat';
}

const ERROR_SCHEMA: Record<Surface, string> = {
  native: '#/components/schemas/NativeError',
  jurichat: '#/components/schemas/PlainError',
  jelou: '#/components/schemas/JelouError',
  platform: '#/components/schemas/PlainError',
};

let h: Harness;
let doc: Document;
let operations: { name: string; path: string; method: string; op: Operation; surface: Surface }[];

before(async () => {
  h = await startHarness();
  doc = (await h.app.inject({ url: '/openapi.json' })).json() as Document;
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      name: `${method.toUpperCase()} ${path}`,
      path,
      method,
      op: item[method],
      surface: surfaceOf(path),
    })),
  );
});
after(async () => {
  await h.close();
});

const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

/** Redocly's no-ambiguous-paths: same length, literal segments equal, as many templated segments on each side. */
function ambiguous(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  if (x.length !== y.length) return false;
  let xVars = 0;
  let yVars = 0;
  for (let i = 0; i < x.length; i++) {
    const xVar = /^\{.+\}$/.test(x[i]);
    const yVar = /^\{.+\}$/.test(y[i]);
    if (xVar) xVars++;
    if (yVar) yVars++;
    if (!xVar && !yVar && x[i] !== y[i]) return false;
  }
  return xVars === yVars;
}

describe('the OpenAPI document', () => {
  test('names its licence, contact and server, and says what each surface is', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info.license, { name: 'Apache-2.0', identifier: 'Apache-2.0' });
    assert.ok(doc.info.contact?.name, 'info.contact');
    for (const words of ['/api/v1', 'X-JuriChat-Api-Key', '/jelouapi/', '/platform/', 'X-Jelou-Signature', 'Retry-After']) {
      assert.ok(doc.info.description?.includes(words), `info.description mentions ${words}`);
    }
    assert.equal(doc.servers?.length, 1);
    const [server] = doc.servers ?? [];
    assert.equal(server.url, h.config.publicUrl);
    assert.ok(server.description);
    assert.doesNotMatch(server.url, /\/$|example\.com/, 'no trailing slash, no example.com');
  });

  test('every operation has a unique, readable operationId: jurichat…, jelou… (…Platform under /platform), bare on the native API', () => {
    const seen = new Map<string, string>();
    for (const { name, path, op, surface } of operations) {
      const id = op.operationId;
      assert.ok(id, `${name} has an operationId`);
      assert.match(id, /^[a-z][A-Za-z0-9]*$/, `${name}: ${id} is lowerCamelCase and URL-safe`);
      assert.equal(seen.get(id), undefined, `${id} names both ${seen.get(id)} and ${name}`);
      seen.set(id, name);
      if (surface === 'jurichat') assert.match(id, /^jurichat[A-Z]/, `${name}: ${id}`);
      if (surface === 'jelou') assert.match(id, /^jelou[A-Z]/, `${name}: ${id}`);
      if (surface === 'native' || surface === 'platform') assert.doesNotMatch(id, /^(jurichat|jelou)/, `${name}: ${id}`);
      if (path.startsWith('/platform/')) assert.match(id, /Platform$/, `${name}: ${id}`);
    }
    // The same route under both Jelou prefixes: one id, and the same id with `Platform`.
    for (const { path, method, op } of operations.filter((o) => o.path.startsWith('/jelouapi/'))) {
      assert.equal(doc.paths[path.replace('/jelouapi/', '/platform/')]?.[method]?.operationId, `${op.operationId?.replace(/JelouApi$/, '')}Platform`);
    }
    assert.equal(doc.paths['/api/v1/conversations'].get.operationId, 'listConversations');
    assert.equal(doc.paths['/conversation'].get.operationId, 'jurichatListConversations');
    assert.equal(doc.paths['/jelouapi/v1/external-support/{projectId}/conversations/start'].post.operationId, 'jelouStartConversation');
    assert.equal(doc.paths['/platform/v1/external-support/{projectId}/conversations/start'].post.operationId, 'jelouStartConversationPlatform');
  });

  test('every operation has a summary, one declared tag, a 2xx answer and a 4xx answer', () => {
    for (const { name, op } of operations) {
      assert.ok(op.summary?.trim(), `${name} has a summary`);
      assert.equal(op.tags?.length, 1, `${name} has one tag (generators group operations by their first)`);
      const statuses = Object.keys(op.responses);
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        `${name} declares a 2xx`,
      );
      assert.ok(
        statuses.some((s) => s.startsWith('4')),
        `${name} declares a 4xx`,
      );
      for (const [status, response] of Object.entries(op.responses)) assert.ok(response.description, `${name} ${status} has a description`);
    }
  });

  test('every operation names its security: a declared scheme, or `security: []` on the public operations only', () => {
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    const used = new Set<string>();
    for (const { name, op } of operations) {
      assert.ok(Array.isArray(op.security), `${name} has a security array`);
      if (PUBLIC.has(name)) {
        assert.deepEqual(op.security, [], `${name} is public`);
        continue;
      }
      assert.ok((op.security ?? []).length > 0, `${name} takes credentials`);
      for (const requirement of op.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          assert.ok(schemes.includes(scheme), `${name}: ${scheme} is declared`);
          used.add(scheme);
        }
      }
    }
    assert.deepEqual([...used].sort(), [...schemes].sort(), 'every security scheme is used');
  });

  test('tags are declared once, described, used, and each is in one x-tagGroup', () => {
    const declared = (doc.tags ?? []).map((t) => t.name);
    assert.equal(new Set(declared).size, declared.length, 'no duplicated tag names');
    for (const tag of doc.tags ?? []) assert.ok(tag.description?.trim(), `tag ${tag.name} has a description`);
    const used = new Set(operations.flatMap(({ op }) => op.tags ?? []));
    for (const tag of used) assert.ok(declared.includes(tag), `tag ${tag} is declared`);
    for (const tag of declared) assert.ok(used.has(tag), `tag ${tag} is used`);
    const grouped = (doc['x-tagGroups'] ?? []).flatMap((g) => g.tags);
    assert.deepEqual([...grouped].sort(), [...declared].sort(), 'each tag in exactly one group');
  });

  test('path parameters match the path, and no two paths are identical or ambiguous', () => {
    for (const { name, path, op } of operations) {
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(declared.map((p) => p.name).sort(), pathParams(path).sort(), `${name}: path parameters`);
      for (const p of declared) assert.equal(p.required, true, `${name}: ${p.name} is required`);
      const keys = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
      assert.equal(new Set(keys).size, keys.length, `${name}: parameters are unique`);
    }
    const paths = Object.keys(doc.paths);
    for (const path of paths) assert.ok(path === '/' || !path.endsWith('/'), `${path} has no trailing slash`);
    for (let i = 0; i < paths.length; i++) {
      for (let j = i + 1; j < paths.length; j++) {
        const [a, b] = [paths[i], paths[j]];
        assert.notEqual(a.replace(/\{[^}]+\}/g, '{}'), b.replace(/\{[^}]+\}/g, '{}'), `${a} and ${b} are identical`);
        assert.ok(!ambiguous(a, b) || specAmbiguity(a, b), `${a} and ${b} are ambiguous`);
      }
    }
  });

  test("errors are declared in their surface's error schema, with the statuses authentication, bodies, lookups and writes answer", () => {
    for (const { name, path, method, op, surface } of operations) {
      const has = (status: number) => op.responses[String(status)] !== undefined;
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('4') && status !== '503') continue;
        if (name === 'GET /readyz' && status === '503') continue;
        assert.equal(response.content?.['application/json']?.schema?.$ref, ERROR_SCHEMA[surface], `${name} ${status}`);
      }
      const validation = surface === 'jelou' ? 422 : 400;
      assert.ok(has(validation), `${name} declares ${validation}`);
      if (!PUBLIC.has(name)) assert.ok(has(401) && has(429), `${name} declares 401 and 429`);
      if (op.requestBody) assert.ok(has(413) && has(surface === 'jelou' ? 422 : 415), `${name} declares its body's refusals`);
      if (method !== 'get') assert.ok(has(503), `${name} writes: declares 503`);
      if (surface !== 'jelou' && pathParams(path).length > 0) assert.ok(has(414), `${name} declares 414`);
      // An id in the path is looked up (Jelou's {projectId} is the credentials' workspace: another one is a 401).
      if (pathParams(path).some((p) => p !== 'projectId')) assert.ok(has(404), `${name} declares 404`);
      for (const status of ['429', '503']) {
        if (op.responses[status] && !(name === 'GET /readyz' && status === '503')) {
          assert.ok(op.responses[status].headers?.['retry-after'], `${name} ${status} declares Retry-After`);
        }
      }
    }
  });

  test('every component is used and every $ref resolves', () => {
    const refs = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.add(value);
          else walk(value);
        }
      }
    };
    walk(doc.paths);
    walk(doc.components.schemas);
    for (const ref of refs) {
      assert.match(ref, /^#\/components\/schemas\/[A-Za-z0-9._-]+$/, `${ref} is local`);
      assert.ok(doc.components.schemas?.[ref.split('/').pop()!], `${ref} resolves`);
    }
    for (const name of Object.keys(doc.components.schemas ?? {})) assert.ok(refs.has(`#/components/schemas/${name}`), `components.schemas.${name} is used`);
    assert.deepEqual(Object.keys(doc.components.schemas ?? {}).sort(), ['JelouError', 'NativeError', 'PlainError']);
  });

  test('redocly lint --extends=recommended finds nothing', (t) => {
    const installed = join(fileURLToPath(new URL('../..', import.meta.url)), 'node_modules', '.bin', 'redocly');
    const redocly = process.env.REDOCLY || installed;
    assert.ok(existsSync(redocly), `Redocly CLI is missing at ${redocly}: run npm install (it is a dev dependency)`);
    const dir = mkdtempSync(join(tmpdir(), 'conversas-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const run = spawnSync(redocly, ['lint', '--extends=recommended', '--format=json', file], {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 60_000,
      });
      assert.ok(run.stdout, `redocly printed nothing: ${run.error ?? run.stderr}`);
      const result = JSON.parse(run.stdout) as {
        version?: string;
        problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      };
      t.diagnostic(`Redocly CLI ${result.version ?? '(version unknown)'}`);
      const spec = (p: { ruleId: string; message: string }) =>
        p.ruleId === 'no-ambiguous-paths' && p.message.includes('/webhooks/whatsapp/{channelId}') && /\/webhooks\/\{webhookId\}\/[a-z]+/.test(p.message);
      assert.deepEqual(
        result.problems.filter((p) => !spec(p)).map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
