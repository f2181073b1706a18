import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/db/connect.ts';
import { seedWorkspace } from '../../src/cli/seed.ts';
import { ENGINE, call, startHarness, type Harness } from '../helpers/harness.ts';
import { cliEnv, emptyDatabase, runCli } from './cli-helpers.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let h: Harness;
before(async () => {
  db = await emptyDatabase();
  h = await startHarness();
});
after(async () => {
  await h?.close();
  await db.drop();
});

async function count(url: string, table: 'people' | 'conversations' | 'messages' | 'workspaces', workspaceId?: string): Promise<number> {
  const store = openStore(url);
  try {
    let q = store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (workspaceId && table !== 'workspaces') q = q.where('workspace_id', '=', workspaceId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  } finally {
    await store.close();
  }
}

test(`seed on an empty database creates a workspace and exactly the requested counts (${ENGINE})`, { timeout: 60_000 }, async () => {
  const result = await runCli(['seed', '--conversations', '25', '--messages-per-conversation', '7'], cliEnv(db));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /API key:\s+cvs_live_/, 'the workspace made for the seed has its credentials printed');
  assert.match(result.stderr, /Seeding 100% 25\/25/);
  const workspaceId = /Seeded workspace (c[0-9a-z]{26})/.exec(result.stdout)?.[1];
  assert.ok(workspaceId, result.stdout);
  assert.equal(await count(db.url, 'workspaces'), 1);
  assert.equal(await count(db.url, 'conversations', workspaceId), 25);
  assert.equal(await count(db.url, 'messages', workspaceId), 175);
  assert.equal(await count(db.url, 'people', workspaceId), 25);

  const again = await runCli(['seed', '--conversations', '10', '--messages-per-conversation', '3', '--workspace', workspaceId], cliEnv(db));
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /API key:/);
  assert.equal(await count(db.url, 'conversations', workspaceId), 35);
  assert.equal(await count(db.url, 'messages', workspaceId), 205);
});

test('seed refuses bad numbers (exit 2) and an unknown workspace (exit 1)', async () => {
  const zero = await runCli(['seed', '--conversations', '0'], cliEnv(db));
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--conversations must be an integer/);
  const missing = await runCli(['seed', '--workspace', 'c00000000000000000000000000'], cliEnv(db));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});

test('seeded data is consistent and readable through the native API', { timeout: 60_000 }, async () => {
  const result = await seedWorkspace(h.store.db, { workspaceId: h.ws.workspaceId, conversations: 60, messagesPerConversation: 12, randomSeed: 42 });
  assert.equal(result.conversations, 60);
  assert.equal(result.messages, 720);
  assert.equal(result.createdWorkspace, null);
  assert.equal(
    await h.store.db.selectFrom('events').select('id').where('workspace_id', '=', h.ws.workspaceId).executeTakeFirst(),
    undefined,
    'seeding is history: it emits no events',
  );

  const conversations = await h.store.db.selectFrom('conversations').selectAll().where('workspace_id', '=', h.ws.workspaceId).execute();
  const messages = await h.store.db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', h.ws.workspaceId)
    .orderBy('conversation_id')
    .orderBy('message_at')
    .orderBy('id')
    .execute();
  const sessions = await h.store.db.selectFrom('support_sessions').selectAll().where('workspace_id', '=', h.ws.workspaceId).execute();
  const statuses = new Set(conversations.map((c) => c.status));
  assert.ok(statuses.size >= 3, `varied statuses, got ${[...statuses]}`);
  const types = new Set(messages.map((m) => m.type));
  assert.ok(types.has('text') && types.size >= 3, `a mix of message types, got ${[...types]}`);
  assert.ok(messages.filter((m) => m.type === 'text').length > messages.length / 2, 'mostly text');

  const now = Date.now();
  for (const c of conversations) {
    const own = messages.filter((m) => m.conversation_id === c.id);
    assert.equal(own.length, 12);
    assert.equal(own[0]!.direction, 'INBOUND', 'the person writes first');
    const visible = own.filter((m) => m.direction !== 'INTERNAL');
    const last = visible[visible.length - 1]!;
    assert.equal(c.last_message_id, last.id);
    assert.equal(c.last_message_at, last.message_at);
    assert.equal(c.last_activity_at, Math.max(last.message_at, c.created_at));
    assert.ok(c.created_at <= own[0]!.message_at && last.message_at < now);
    assert.ok(c.search_text.includes('55'), 'search text carries the phone');
    for (const m of own) {
      if (m.type !== 'text') assert.ok(m.media_url && m.content === m.media_url, 'media content is the media URL');
      if (m.direction === 'OUTBOUND') assert.ok(m.external_status, 'outbound messages have a status');
    }
    const active = sessions.filter((s) => s.conversation_id === c.id && s.state === 'active');
    assert.equal(active.length, c.status === 'WAITING' || c.status === 'ACTIVE' ? 1 : 0, `session matches status ${c.status}`);
    assert.equal(c.assignee_user_id !== null, c.status === 'ACTIVE');
  }
  const people = await h.store.db.selectFrom('people').select(['phone_number', 'name']).where('workspace_id', '=', h.ws.workspaceId).execute();
  for (const p of people) assert.match(p.phone_number!, /^55\d{2}9\d{8}$/);

  const list = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '200' } });
  assert.equal(list.status, 200, list.body);
  assert.equal(list.json.data.length, conversations.filter((c) => c.is_archived === 0).length, 'archived conversations are listed apart');
  const archived = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '200', onlyArchived: 'true' } });
  assert.equal(archived.status, 200, archived.body);
  assert.equal(list.json.data.length + archived.json.data.length, 60);
  const activity = list.json.data.map((c: { lastActivityAt: string }) => Date.parse(c.lastActivityAt));
  assert.deepEqual(
    activity,
    [...activity].sort((a, b) => b - a),
    'listed by last activity',
  );
  const one = await call(h, 'GET', `/api/v1/conversations/${list.json.data[0].id}/messages`, { query: { limit: '200' } });
  assert.equal(one.status, 200, one.body);
  assert.equal(one.json.data.length, 12);
});

test('conversations without messages still follow the status rules', async () => {
  const before = await h.store.db.selectFrom('conversations').select('id').where('workspace_id', '=', h.other.workspaceId).execute();
  assert.equal(before.length, 0);
  const result = await seedWorkspace(h.store.db, { workspaceId: h.other.workspaceId, conversations: 40, messagesPerConversation: 0, randomSeed: 7 });
  assert.equal(result.messages, 0);
  const conversations = await h.store.db.selectFrom('conversations').selectAll().where('workspace_id', '=', h.other.workspaceId).execute();
  const sessions = await h.store.db
    .selectFrom('support_sessions')
    .selectAll()
    .where('workspace_id', '=', h.other.workspaceId)
    .where('state', '=', 'active')
    .execute();
  assert.equal(conversations.length, 40);
  for (const c of conversations) {
    assert.equal(c.last_message_id, null);
    assert.equal(c.last_activity_at, c.created_at);
    const human = c.status === 'WAITING' || c.status === 'ACTIVE';
    assert.equal(sessions.filter((s) => s.conversation_id === c.id).length, human ? 1 : 0);
  }
});
