import assert from 'node:assert/strict';
import { call, type Harness } from './harness.ts';
import type { InitResult } from '../../src/domain/workspaces.ts';

/** Shared assertions for the native workspace-resource tests. */

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const ID = /^c[0-9a-z]{26}$/;
/** A well-formed id that no workspace has. */
export const UNKNOWN_ID = 'c00000000000000000000000000';

/** The object has exactly these keys, each present (null allowed). */
export function assertKeys(obj: Record<string, unknown>, keys: string[]): void {
  assert.deepEqual(Object.keys(obj).sort(), [...keys].sort());
}

export function assertTimes(obj: Record<string, unknown>, ...fields: string[]): void {
  for (const f of fields) assert.match(String(obj[f]), ISO, `${f} is an ISO time`);
}

/** The native error shape with this status (and code/reason when given). */
export function assertError(res: { status: number; json: any; body: string }, status: number, expected: { code?: string; reason?: string } = {}): void {
  assert.equal(res.status, status, res.body);
  assert.equal(typeof res.json?.error?.code, 'string', res.body);
  assert.equal(typeof res.json.error.message, 'string');
  assert.equal(typeof res.json.error.details, 'object');
  if (expected.code) assert.equal(res.json.error.code, expected.code, res.body);
  if (expected.reason) assert.equal(res.json.error.details.reason, expected.reason, res.body);
}

export async function create(h: Harness, path: string, body: unknown, ws: InitResult = h.ws): Promise<any> {
  const res = await call(h, 'POST', `/api/v1/${path}`, { key: ws.apiKey, body });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

/** Every row of a list, walking `nextCursor`. */
export async function listAll(h: Harness, path: string, options: { ws?: InitResult; query?: Record<string, string>; limit?: number } = {}): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const query: Record<string, string> = { ...options.query, limit: String(options.limit ?? 200), ...(cursor ? { cursor } : {}) };
    const res = await call(h, 'GET', `/api/v1/${path}`, { key: (options.ws ?? h.ws).apiKey, query });
    assert.equal(res.status, 200, res.body);
    assertKeys(res.json, ['data', 'nextCursor']);
    rows.push(...res.json.data);
    cursor = res.json.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error('pagination did not end');
}

/** Keyset pagination: pages of `limit` in id order, the last one with `nextCursor: null`, no row twice. */
export async function assertPaginates(h: Harness, path: string, minimum: number, query: Record<string, string> = {}): Promise<void> {
  const all = await listAll(h, path, { query });
  assert.ok(all.length >= minimum, `at least ${minimum} rows in ${path}`);
  const ids = all.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort(), 'ordered by id');
  const paged = await listAll(h, path, { query, limit: 2 });
  assert.deepEqual(
    paged.map((r) => r.id),
    ids,
    'pages of 2 give the same rows',
  );
}

/** Malformed JSON, unknown fields and an empty body on a route with a JSON body. */
export async function assertRefusesBadBodies(h: Harness, method: 'POST' | 'PATCH' | 'PUT', path: string, validBody: Record<string, unknown>): Promise<void> {
  const url = `/api/v1/${path}`;
  const malformed = await call(h, method, url, { body: '{"name": ', headers: { 'content-type': 'application/json' } });
  assertError(malformed, 400, { code: 'invalid_json' });
  const unknown = await call(h, method, url, { body: { ...validBody, surprise: true } });
  assertError(unknown, 400, { code: 'validation_failed' });
  assert.deepEqual(unknown.json.error.details.fields, { surprise: ['is not a known field'] });
  const notObject = await call(h, method, url, { body: '[1,2]', headers: { 'content-type': 'application/json' } });
  assertError(notObject, 400, { code: 'validation_failed' });
  const empty = await call(h, method, url, { body: '', headers: { 'content-type': 'application/json' } });
  assertError(empty, 400);
}

/** Bad list queries: malformed cursors, out-of-range limits, unknown parameters. */
export async function assertRefusesBadListQueries(h: Harness, path: string): Promise<void> {
  const url = `/api/v1/${path}`;
  for (const cursor of [
    '!!!',
    'abc',
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('["x"]').toString('base64url'),
    Buffer.from('{"a":1}').toString('base64url'),
  ]) {
    assertError(await call(h, 'GET', url, { query: { cursor } }), 400, { reason: 'invalid_cursor' });
  }
  for (const limit of ['0', '201', 'ten', '-1', '1.5']) {
    assertError(await call(h, 'GET', url, { query: { limit } }), 400, { code: 'validation_failed' });
  }
  assertError(await call(h, 'GET', url, { query: { bogus: '1' } }), 400, { code: 'validation_failed' });
}

/** Ids that are not ids are 400 on every item route; unknown ids 404. */
export async function assertIdParams(h: Harness, path: string, methods: ('GET' | 'PATCH' | 'DELETE')[], patchBody: unknown): Promise<void> {
  for (const method of methods) {
    const body = method === 'PATCH' ? patchBody : undefined;
    assertError(await call(h, method, `/api/v1/${path}/not-an-id`, { body }), 400, { code: 'validation_failed' });
    assertError(await call(h, method, `/api/v1/${path}/c-1`, { body }), 400, { code: 'validation_failed' });
    assertError(await call(h, method, `/api/v1/${path}/${UNKNOWN_ID}`, { body }), 404, { code: 'not_found' });
  }
}

/**
 * Another workspace's key sees the id exactly as an unknown one: 404 with the same message shape,
 * on every item route given, and nothing changes.
 */
export async function assertForeignIs404(h: Harness, path: string, id: string, methods: ('GET' | 'PATCH' | 'DELETE')[], patchBody: unknown): Promise<void> {
  for (const method of methods) {
    const body = method === 'PATCH' ? patchBody : undefined;
    const foreign = await call(h, method, `/api/v1/${path}/${id}`, { key: h.other.apiKey, body });
    assertError(foreign, 404, { code: 'not_found' });
    const unknown = await call(h, method, `/api/v1/${path}/${UNKNOWN_ID}`, { key: h.other.apiKey, body });
    assert.equal(foreign.json.error.message.replace(id, '<id>'), unknown.json.error.message.replace(UNKNOWN_ID, '<id>'));
    assert.equal(foreign.json.error.details.reason, unknown.json.error.details.reason);
  }
  const own = await call(h, 'GET', `/api/v1/${path}/${id}`);
  assert.equal(own.status, 200, `${path}/${id} still exists for its owner: ${own.body}`);
}

/**
 * Events of the workspace of these types, oldest first, read from the outbox table: these tests
 * check what was written. (The feed on PostgreSQL shows a transaction only once every older writing
 * transaction of the cluster has ended, so under a busy cluster it may lag; the feed has its own tests.)
 */
export async function events(h: Harness, types: string, ws: InitResult = h.ws): Promise<any[]> {
  const rows = await h.store.db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', ws.workspaceId)
    .where('type', 'in', types.split(','))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    conversationId: r.conversation_id,
    createdAt: new Date(r.created_at).toISOString(),
    payload: JSON.parse(r.payload),
  }));
}

/** Tags have no native route yet: tests insert them directly. */
export async function insertTag(h: Harness, inboxId: string, name: string, ws: InitResult = h.ws): Promise<string> {
  const { newId } = await import('../../src/domain/ids.ts');
  const id = newId();
  const now = Date.now();
  await h.store.db
    .insertInto('tags')
    .values({ workspace_id: ws.workspaceId, id, inbox_id: inboxId, name, color: '#000000', modules: '[]', created_at: now, updated_at: now })
    .execute();
  return id;
}

/** The id of the API key the harness uses for a workspace (`conversas init` names it `default`). */
export async function defaultKeyId(h: Harness, ws: InitResult = h.ws): Promise<string> {
  const keys = await listAll(h, 'api-keys', { ws });
  return keys.find((k) => k.name === 'default').id;
}
