import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startHarness, call, inbound, ENGINE, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { create, insertTag } from '../helpers/resources.ts';
import { findConversation } from '../../src/db/repos/conversations.ts';
import { conversationSnapshot, namesOf } from '../../src/domain/snapshots.ts';

// A returning phone's message takes the one-read path (src/db/repos/known-sender.ts): its event
// must carry exactly the snapshot the general path reads, whatever state the conversation is in.

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

async function messageCreatedPayload(messageId: string) {
  const rows = await h.store.db.selectFrom('events').select(['type', 'payload']).where('workspace_id', '=', h.ws.workspaceId).execute();
  const found = rows
    .map((r) => ({ type: r.type, payload: JSON.parse(r.payload) }))
    .filter((e) => e.type === 'message.created' && e.payload.message.id === messageId);
  assert.equal(found.length, 1, `one message.created for ${messageId}`);
  return found[0]!.payload;
}

async function expectedSnapshot(conversationId: string) {
  const conversation = await findConversation(h.store.db, h.ws.workspaceId, conversationId);
  assert.ok(conversation);
  return JSON.parse(JSON.stringify(await h.store.db.transaction().execute((trx) => conversationSnapshot(trx, conversation))));
}

test("a returning phone's message.created carries the same snapshot as the general path: tags, agent, support session", async () => {
  const phone = '5511955501234';
  const first = await inbound(h, { phone, name: 'Maria' });
  const tagId = await insertTag(h, h.ws.inboxId, 'VIP');
  await h.store.db.insertInto('conversation_tags').values({ workspace_id: h.ws.workspaceId, conversation_id: first.conversationId, tag_id: tagId }).execute();
  const agentId = await makeUser(h);
  const assigned = await call(h, 'POST', `/api/v1/conversations/${first.conversationId}/assign`, { body: { userId: agentId } });
  assert.equal(assigned.status, 200, assigned.body);

  const second = await inbound(h, { phone, name: 'Maria', text: 'de novo', externalId: 'known-1' });
  assert.equal(second.conversationId, first.conversationId);
  assert.equal(second.duplicate, false);
  const payload = await messageCreatedPayload(second.messageId);
  const expected = await expectedSnapshot(first.conversationId);
  assert.deepEqual(payload.conversation, expected);
  assert.deepEqual(payload.conversation.tagIds, [tagId]);
  assert.equal(payload.conversation.assignee.id, agentId);
  assert.ok(payload.conversation.supportSessionId, 'the active support session is named');
  assert.equal(payload.conversation.status, 'ACTIVE');
  assert.equal(payload.conversation.unreadCount, expected.unreadCount);
});

test('the same externalId again from a known phone answers the first message and writes nothing', async () => {
  const phone = '5511955505678';
  await inbound(h, { phone });
  const first = await inbound(h, { phone, externalId: 'known-twice' });
  const eventsBefore = await h.store.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const again = await inbound(h, { phone, externalId: 'known-twice', text: 'outra coisa' });
  assert.equal(again.duplicate, true);
  assert.equal(again.messageId, first.messageId);
  const eventsAfter = await h.store.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(eventsAfter.n), Number(eventsBefore.n));
  const conversation = await findConversation(h.store.db, h.ws.workspaceId, first.conversationId);
  assert.equal(conversation?.unreadCount, 2, 'the repeat did not count as unread');
});

test('a phone known without a name learns it, and an INACTIVE conversation reopens, through the general path', async () => {
  const phone = '5511955509012';
  const first = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, { body: { from: { phone }, message: { type: 'text', text: 'oi' } } });
  assert.equal(first.status, 200, first.body);
  await inbound(h, { phone, name: 'Joana' });
  const person = await call(h, 'GET', `/api/v1/people/${first.json.personId}`);
  assert.equal(person.json.name, 'Joana');

  await h.store.db.updateTable('conversations').set({ status: 'INACTIVE' }).where('id', '=', first.json.conversationId).execute();
  const reopened = await inbound(h, { phone, name: 'Joana' });
  const payload = await messageCreatedPayload(reopened.messageId);
  assert.equal(payload.conversation.status, 'ROBOT_INTERACTIVE');
  assert.deepEqual(payload.conversation, await expectedSnapshot(first.json.conversationId));
});

async function conversationCreatedPayload(conversationId: string) {
  const rows = await h.store.db
    .selectFrom('events')
    .select('payload')
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('type', '=', 'conversation.created')
    .where('conversation_id', '=', conversationId)
    .execute();
  assert.equal(rows.length, 1, `one conversation.created for ${conversationId}`);
  return JSON.parse(rows[0]!.payload);
}

// A new phone's first conversation is named from the channel read (inbox, default bot, kind) and
// the person just created, without reading them again: the names must be what a read gives.
test("a new phone's conversation.created and message.created name what the general path reads, with and without a default bot", async () => {
  const botless = await create(h, 'channels', { inboxId: h.ws.inboxId, kind: 'sandbox', name: 'Sem bot' });
  for (const [channelId, phone] of [
    [h.ws.channelId, '5511955507001'],
    [botless.id, '5511955507002'],
  ] as const) {
    const res = await call(h, 'POST', `/api/v1/channels/${channelId}/inbound`, {
      body: { from: { phone, name: 'Nova' }, message: { type: 'text', text: 'primeira' } },
    });
    assert.equal(res.status, 200, res.body);
    const expected = await expectedSnapshot(res.json.conversationId);
    assert.deepEqual(namesOf((await conversationCreatedPayload(res.json.conversationId)).conversation), namesOf(expected));
    assert.deepEqual((await messageCreatedPayload(res.json.messageId)).conversation, expected);
    assert.equal(expected.bot === null, channelId === botless.id, 'the default bot joins only where the channel has one');
  }
});

// Round trips are PostgreSQL's cost per message (bench W1): a change that adds one shows here.
test('on PostgreSQL a known phone costs 5 statements and a new phone 11, the key check and BEGIN/COMMIT included', {
  skip: ENGINE !== 'postgres' && 'round trips are PostgreSQL’s',
}, async (t) => {
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  t.after(() => {
    pg.Client.prototype.query = query;
  });
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    statements.push((typeof first === 'string' ? first : (first.text ?? '')).slice(0, 60));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  // The key's last use is written at most once a minute: a first call here may write it, not count it.
  await inbound(h, { phone: '5511955508000' });
  statements.length = 0;
  const phone = '5511955508001';
  await inbound(h, { phone, name: 'Conta' });
  assert.equal(statements.length, 11, statements.join('\n'));
  statements.length = 0;
  await inbound(h, { phone, name: 'Conta' });
  assert.equal(statements.length, 5, statements.join('\n'));
});
