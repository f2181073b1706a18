import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startHarness, call, inbound, ENGINE, type Harness } from '../helpers/harness.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

describe('operations', () => {
  test('/healthz and /readyz need no auth', async () => {
    assert.deepEqual((await h.app.inject({ url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await h.app.inject({ url: '/readyz' })).json(), { status: 'ready' });
  });

  test('/openapi.json is OpenAPI 3.1 and describes every route; /docs serves a page', async () => {
    const doc = (await h.app.inject({ url: '/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    const described = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) described.add(`${method.toUpperCase()} ${path}`);
    }
    const routes = h.app.printRoutes({ commonPrefix: false });
    const expected = [
      'GET /api/v1/conversations',
      'GET /api/v1/conversations/{id}',
      'GET /api/v1/conversations/{id}/messages',
      'POST /api/v1/conversations/{id}/messages',
      'POST /api/v1/conversations/{id}/assign',
      'POST /api/v1/conversations/{id}/handoff',
      'POST /api/v1/conversations/{id}/resolve',
      'POST /api/v1/conversations/{id}/read',
      'POST /api/v1/channels/{id}/inbound',
      'POST /api/v1/channels/{id}/receipts',
      'GET /api/v1/events',
      'GET /healthz',
      'GET /readyz',
    ];
    for (const route of expected) assert.ok(described.has(route), `${route} missing from the OpenAPI document`);
    assert.ok(routes.length > 0);
    const docs = await h.app.inject({ url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.headers['content-type'] as string, /html/);
  });
});

describe('Idempotency-Key', () => {
  test('a replay answers the original status and body and creates nothing', async () => {
    const { conversationId } = await inbound(h);
    const url = `/api/v1/conversations/${conversationId}/messages`;
    const headers = { 'idempotency-key': 'send-1' };
    const first = await call(h, 'POST', url, { body: { message: 'uma vez' }, headers });
    const replay = await call(h, 'POST', url, { body: { message: 'uma vez' }, headers });
    assert.equal(first.status, 201);
    assert.equal(replay.status, 201);
    assert.equal(replay.body, first.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    const list = await call(h, 'GET', url);
    assert.equal(list.json.data.filter((m: { content: string }) => m.content === 'uma vez').length, 1);
  });

  test('the same key with a different body is a 409; the same key on another route is independent', async () => {
    const { conversationId } = await inbound(h);
    const other = await inbound(h);
    const headers = { 'idempotency-key': 'send-2' };
    await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'a' }, headers });
    const conflict = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'b' }, headers });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.error.details.reason, 'idempotency_key_reused');
    const elsewhere = await call(h, 'POST', `/api/v1/conversations/${other.conversationId}/messages`, { body: { message: 'b' }, headers });
    assert.equal(elsewhere.status, 201);
  });

  test('keys are scoped to the API key: another workspace using the same key value is independent', async () => {
    const mine = await inbound(h);
    const theirs = await inbound(h, { ws: h.other });
    const headers = { 'idempotency-key': 'shared-value' };
    assert.equal((await call(h, 'POST', `/api/v1/conversations/${mine.conversationId}/messages`, { body: { message: 'x' }, headers })).status, 201);
    assert.equal(
      (await call(h, 'POST', `/api/v1/conversations/${theirs.conversationId}/messages`, { key: h.other.apiKey, body: { message: 'x' }, headers })).status,
      201,
    );
  });

  test('a refused request is replayed as refused, not retried into a different answer', async () => {
    const { conversationId } = await inbound(h);
    const headers = { 'idempotency-key': 'bad-1' };
    const first = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { type: 'image' }, headers });
    assert.equal(first.status, 400);
    const again = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { type: 'image' }, headers });
    assert.equal(again.status, 400);
  });
});

describe('event feed', () => {
  type FeedEvent = { id: string; type: string; conversationId: string | null; payload: any };
  /**
   * The feed may lag on PostgreSQL while older writing transactions of the cluster (other test files)
   * are still open: read until `wanted` events show, and keep only those `mine` selects.
   */
  async function feedAfter(after: string | null, wanted: number, mine: (e: FeedEvent) => boolean, types?: string) {
    for (let i = 0; ; i++) {
      const res = await call(h, 'GET', '/api/v1/events', { query: { ...(after ? { after } : {}), ...(types ? { types } : {}), limit: '200' } });
      assert.equal(res.status, 200, res.body);
      const data = (res.json.data as FeedEvent[]).filter(mine);
      if (data.length >= wanted || i >= 100) return { data, nextCursor: res.json.nextCursor as string };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function endOfFeed(): Promise<string | null> {
    let cursor: string | null = null;
    for (;;) {
      const page = await call(h, 'GET', '/api/v1/events', { query: { ...(cursor ? { after: cursor } : {}), limit: '200' } });
      if (page.json.data.length === 0) return cursor;
      cursor = page.json.nextCursor;
    }
  }

  test('events in commit order with a resumable cursor and a type filter', async () => {
    const cursor = await endOfFeed();
    const { conversationId, messageId, personId } = await inbound(h, { phone: '5511944443333' });
    const ours = (e: FeedEvent) => e.conversationId === conversationId || e.payload?.person?.id === personId;
    const fresh = await feedAfter(cursor, 3, ours);
    assert.deepEqual(
      fresh.data.map((e: { type: string }) => e.type),
      ['contact.created', 'conversation.created', 'message.created'],
    );
    const created = fresh.data.at(-1)!;
    assert.equal(created.conversationId, conversationId);
    assert.equal(created.payload.message.id, messageId);
    const onlyMessages = await feedAfter(cursor, 1, ours, 'message.created');
    assert.deepEqual(
      onlyMessages.data.map((e: { type: string }) => e.type),
      ['message.created'],
    );
    const caughtUp = await call(h, 'GET', '/api/v1/events', { query: { after: fresh.nextCursor } });
    assert.deepEqual(caughtUp.json.data.filter(ours), [], 'nothing of ours is shown twice');
  });

  test('a transaction still open holds back what committed after it, so a reader never skips it', {
    skip: ENGINE !== 'postgres' && 'SQLite has one writer: ids are commit order',
  }, async () => {
    const cursor = await endOfFeed();
    let ours: (e: FeedEvent) => boolean = () => false;
    const slow = new pg.Client({ connectionString: h.url });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query(`insert into events (workspace_id, id, type, conversation_id, payload, created_at) values ($1, $2, 'test.slow', null, '{}', $3)`, [
        h.ws.workspaceId,
        newId(),
        Date.now(),
      ]);
      const { conversationId, personId } = await inbound(h, { phone: '5511944445555' });
      ours = (e) => e.type === 'test.slow' || e.conversationId === conversationId || e.payload?.person?.id === personId;
      const during = await call(h, 'GET', '/api/v1/events', { query: cursor ? { after: cursor } : {} });
      assert.deepEqual((during.json.data as FeedEvent[]).filter(ours), [], 'nothing after the open transaction is shown yet');
      await slow.query('commit');
    } finally {
      await slow.end();
    }
    const after = await feedAfter(cursor, 4, ours);
    assert.deepEqual(
      after.data.map((e: { type: string }) => e.type),
      ['test.slow', 'contact.created', 'conversation.created', 'message.created'],
    );
  });
});
