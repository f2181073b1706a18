import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser, makeRole, eventsOf, sessionsOf } from '../helpers/fixtures.ts';
import { endHumanSupport, sweepInactive } from '../../src/domain/human-support.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const post = (path: string, body?: unknown) => call(h, 'POST', path, body === undefined ? {} : { body });

describe('conversation lifecycle through the native API', () => {
  test('a first inbound message creates person and conversation in ROBOT_INTERACTIVE with conversation.created only', async () => {
    const ids = await inbound(h, { text: 'Olá' });
    const res = await call(h, 'GET', `/api/v1/conversations/${ids.conversationId}`);
    assert.equal(res.status, 200);
    const c = res.json;
    assert.equal(c.id, ids.conversationId);
    assert.equal(c.status, 'ROBOT_INTERACTIVE');
    assert.equal(c.priority, 'LOW');
    assert.equal(c.personId, ids.personId);
    assert.equal(c.inboxId, h.ws.inboxId);
    assert.equal(c.channelId, h.ws.channelId);
    assert.equal(c.botId, h.ws.botId);
    assert.equal(c.groupId, null);
    assert.equal(c.isGroup, false);
    assert.equal(c.assigneeUserId, null);
    assert.equal(c.unreadCount, 1);
    assert.equal(c.lastMessageId, ids.messageId);
    assert.deepEqual(c.tagIds, []);
    for (const key of ['isFixed', 'isArchived', 'isPrivate']) assert.equal(c[key], false);
    for (const key of ['lastMessageAt', 'lastActivityAt', 'createdAt', 'updatedAt']) assert.match(c[key], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const types = (await eventsOf(h, ids.conversationId)).map((e) => e.type);
    assert.deepEqual(types, ['conversation.created', 'message.created']);
  });

  test('handoff → WAITING opens a session; assign → ACTIVE; unassign → WAITING; resolve → INACTIVE closes it as resolved', async () => {
    const { conversationId } = await inbound(h);
    const role = await makeRole(h);
    const agent = await makeUser(h);

    const handoff = await post(`/api/v1/conversations/${conversationId}/handoff`, { roleId: role });
    assert.equal(handoff.status, 200, handoff.body);
    assert.equal(handoff.json.previousStatus, 'ROBOT_INTERACTIVE');
    assert.equal(handoff.json.conversation.status, 'WAITING');
    assert.equal(handoff.json.conversation.roleId, role);
    let sessions = await sessionsOf(h, conversationId);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].state, 'active');
    assert.equal(sessions[0].bot_id, h.ws.botId);

    const assign = await post(`/api/v1/conversations/${conversationId}/assign`, { userId: agent });
    assert.equal(assign.status, 200, assign.body);
    assert.equal(assign.json.conversation.status, 'ACTIVE');
    assert.equal(assign.json.conversation.assigneeUserId, agent);
    assert.equal((await sessionsOf(h, conversationId)).length, 1, 'WAITING → ACTIVE keeps the same session');

    const unassign = await post(`/api/v1/conversations/${conversationId}/assign`, { userId: null });
    assert.equal(unassign.json.conversation.status, 'WAITING');
    assert.equal(unassign.json.conversation.assigneeUserId, null);

    const resolve = await post(`/api/v1/conversations/${conversationId}/resolve`);
    assert.equal(resolve.status, 200);
    assert.equal(resolve.json.conversation.status, 'INACTIVE');
    sessions = await sessionsOf(h, conversationId);
    assert.equal(sessions[0].state, 'closed');
    assert.equal(sessions[0].ended_reason, 'resolved');
    assert.ok(sessions[0].end_at);

    const events = await eventsOf(h, conversationId);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'conversation.created',
        'message.created',
        'conversation.updated',
        'support_session.started', // handoff
        'conversation.updated',
        'conversation.assigned', // assign
        'conversation.updated', // unassign
        'conversation.updated',
        'support_session.closed', // resolve
      ],
    );
    const updates = events.filter((e) => e.type === 'conversation.updated').map((e) => [e.payload.previousStatus, e.payload.conversation.status]);
    assert.deepEqual(updates, [
      ['ROBOT_INTERACTIVE', 'WAITING'],
      ['WAITING', 'ACTIVE'],
      ['ACTIVE', 'WAITING'],
      ['WAITING', 'INACTIVE'],
    ]);
    const apiKeyActor = events[2].payload.actor;
    assert.equal(apiKeyActor.type, 'api_key');
    for (const e of events.slice(2)) assert.deepEqual(e.payload.actor, apiKeyActor, 'every change records who caused it');
  });

  test('an inbound message on an INACTIVE conversation continues the same thread in ROBOT_INTERACTIVE', async () => {
    const first = await inbound(h, { phone: '5511988887777' });
    await post(`/api/v1/conversations/${first.conversationId}/resolve`);
    const second = await inbound(h, { phone: '+55 (11) 98888-7777', text: 'voltei' });
    assert.equal(second.conversationId, first.conversationId);
    assert.equal(second.personId, first.personId);
    const c = await call(h, 'GET', `/api/v1/conversations/${first.conversationId}`);
    assert.equal(c.json.status, 'ROBOT_INTERACTIVE');
  });

  test('assigning straight from ROBOT_INTERACTIVE opens a session and goes ACTIVE; assigning again is idempotent', async () => {
    const { conversationId } = await inbound(h);
    const agent = await makeUser(h);
    await post(`/api/v1/conversations/${conversationId}/assign`, { userId: agent });
    const again = await post(`/api/v1/conversations/${conversationId}/assign`, { userId: agent });
    assert.equal(again.json.conversation.status, 'ACTIVE');
    assert.equal(again.json.previousStatus, 'ACTIVE');
    const events = (await eventsOf(h, conversationId)).map((e) => e.type);
    assert.deepEqual(events.slice(2), ['conversation.updated', 'conversation.assigned', 'support_session.started']);
    assert.equal((await sessionsOf(h, conversationId)).filter((s) => s.state === 'active').length, 1);
  });

  test('ending human support (the use case JuriChat and Jelou share) goes back to the bot and closes the session as closed_by_operator', async () => {
    const { conversationId } = await inbound(h);
    await post(`/api/v1/conversations/${conversationId}/assign`, { userId: await makeUser(h) });
    const result = await endHumanSupport(h.ctx, h.ws.workspaceId, conversationId, {}, { type: 'api_key', id: null });
    assert.equal(result.conversation.status, 'ROBOT_INTERACTIVE');
    assert.equal(result.conversation.assigneeUserId, null);
    assert.equal(result.closedSession?.endedReason, 'closed_by_operator');
    const repeat = await endHumanSupport(h.ctx, h.ws.workspaceId, conversationId, {}, { type: 'api_key', id: null });
    assert.equal(repeat.closedSession, null, 'idempotent');
  });

  test('the inactivity sweep moves idle conversations to INACTIVE and closes their session as inactivity', async () => {
    const { conversationId } = await inbound(h);
    await post(`/api/v1/conversations/${conversationId}/handoff`);
    const moved = await sweepInactive(h.ctx, Date.now() + 25 * 3600 * 1000, 10_000);
    assert.ok(moved >= 1);
    const c = await call(h, 'GET', `/api/v1/conversations/${conversationId}`);
    assert.equal(c.json.status, 'INACTIVE');
    const [session] = await sessionsOf(h, conversationId);
    assert.equal(session.ended_reason, 'inactivity');
    assert.equal(await sweepInactive(h.ctx, Date.now() + 25 * 3600 * 1000, 10_000), 0, 'nothing left to move');
  });

  test('read clears the unread counter', async () => {
    const { conversationId } = await inbound(h, { phone: '5511977776666' });
    await inbound(h, { phone: '5511977776666', text: 'de novo' });
    assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.unreadCount, 2);
    const read = await post(`/api/v1/conversations/${conversationId}/read`);
    assert.equal(read.status, 200);
    assert.equal(read.json.unreadCount, 0);
  });
});

describe('listing conversations', () => {
  test('newest activity first, keyset pages that visit every conversation once', async () => {
    for (let i = 0; i < 7; i++) await inbound(h, { phone: `55219000000${i}0` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let lastActivity = Infinity;
    do {
      const res = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '3', ...(cursor ? { cursor } : {}) } });
      assert.equal(res.status, 200, res.body);
      for (const c of res.json.data) {
        const at = Date.parse(c.lastActivityAt);
        assert.ok(at <= lastActivity);
        lastActivity = at;
        seen.push(c.id);
      }
      cursor = res.json.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    const total = await h.store.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('is_archived', '=', 0)
      .executeTakeFirstOrThrow();
    assert.equal(seen.length, Number(total.n));
  });

  test('filters: status, inbox, search that ignores accents and case, phone fragments', async () => {
    const { conversationId } = await inbound(h, { phone: '5531955554444', name: 'João Conceição' });
    const byName = await call(h, 'GET', '/api/v1/conversations', { query: { search: 'joao CONCEICAO' } });
    assert.deepEqual(
      byName.json.data.map((c: { id: string }) => c.id),
      [conversationId],
    );
    const byPhone = await call(h, 'GET', '/api/v1/conversations', { query: { search: '955554' } });
    assert.deepEqual(
      byPhone.json.data.map((c: { id: string }) => c.id),
      [conversationId],
    );
    const waiting = await call(h, 'GET', '/api/v1/conversations', { query: { status: 'WAITING', inboxId: h.ws.inboxId } });
    assert.ok(waiting.json.data.every((c: { status: string }) => c.status === 'WAITING'));
    const like = await call(h, 'GET', '/api/v1/conversations', { query: { search: '%' } });
    assert.equal(like.json.data.length, 0, 'LIKE wildcards are matched literally');
  });
});

describe('the person summary on the list and on one conversation', () => {
  test('each conversation carries its person (id, name, phone), from the same page query; a group conversation has none', async () => {
    const maria = await inbound(h, { phone: '5521966661111', name: 'Maria Summary' });
    const group = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: {
        from: { phone: '5521966662222', name: 'Membro' },
        group: { externalId: 'summary@g.us', name: 'Grupo Summary' },
        message: { type: 'text', text: 'oi' },
      },
    });
    assert.equal(group.status, 200, group.body);

    const list = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '200' } });
    assert.equal(list.status, 200, list.body);
    const byId = new Map(list.json.data.map((c: { id: string }) => [c.id, c]));
    assert.deepEqual((byId.get(maria.conversationId) as { person: unknown }).person, {
      id: maria.personId,
      name: 'Maria Summary',
      phoneNumber: '5521966661111',
    });
    assert.equal((byId.get(group.json.conversationId) as { person: unknown }).person, null);
    for (const c of list.json.data as { personId: string | null; person: { id: string } | null }[]) assert.equal(c.person?.id ?? null, c.personId);

    const one = await call(h, 'GET', `/api/v1/conversations/${maria.conversationId}`);
    assert.equal(one.status, 200, one.body);
    assert.deepEqual(one.json.person, { id: maria.personId, name: 'Maria Summary', phoneNumber: '5521966661111' });

    // A renamed person shows renamed at once: the summary is read, not copied.
    const renamed = await call(h, 'PATCH', `/api/v1/people/${maria.personId}`, { body: { name: 'Maria Renomeada' } });
    assert.equal(renamed.status, 200, renamed.body);
    const again = await call(h, 'GET', `/api/v1/conversations/${maria.conversationId}`);
    assert.equal(again.json.person.name, 'Maria Renomeada');
  });

  test('events keep their conversation shape: no person summary in the payload', async () => {
    const { conversationId } = await inbound(h, { name: 'Evento' });
    let created: { payload: { conversation: object } } | undefined;
    let after: string | null = null;
    do {
      const feed = await call(h, 'GET', '/api/v1/events', { query: { types: 'conversation.created', limit: '200', ...(after ? { after } : {}) } });
      assert.equal(feed.status, 200, feed.body);
      created = feed.json.data.find((e: { conversationId: string }) => e.conversationId === conversationId);
      after = feed.json.data.length > 0 ? feed.json.nextCursor : null;
    } while (!created && after);
    assert.ok(created, 'the created event is in the feed');
    assert.equal('person' in created.payload.conversation, false);
  });
});

describe('pinned first', () => {
  test('pinnedFirst lists the pinned conversations first, then by activity, and its cursor walks the whole list once', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await inbound(h, { name: `Fixa ${i}` })).conversationId);
    // Pinning is a JuriChat-dialect change; the row is set directly here, the order is what is tested.
    await h.store.db
      .updateTable('conversations')
      .set({ is_fixed: 1 })
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('id', 'in', [made[0], made[2]])
      .execute();
    const plain = await call(h, 'GET', '/api/v1/conversations', { query: { limit: '200' } });
    // Page sizes that end a page before, at and after the last pinned one.
    for (const limit of ['1', '2', '3']) {
      const seen: { id: string; isFixed: boolean; lastActivityAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(h, 'GET', '/api/v1/conversations', { query: { pinnedFirst: 'true', limit, ...(cursor ? { cursor } : {}) } });
        assert.equal(res.status, 200, res.body);
        seen.push(...res.json.data);
        cursor = res.json.nextCursor;
      } while (cursor);
      assert.equal(new Set(seen.map((c) => c.id)).size, seen.length, 'no conversation twice');
      assert.equal(seen.length, plain.json.data.length, 'every conversation once');
      assert.deepEqual(
        seen.slice(0, 2).map((c) => c.id),
        [made[2], made[0]],
      );
      assert.ok(seen.slice(2).every((c) => !c.isFixed));
      for (let i = 3; i < seen.length; i++) assert.ok(seen[i - 1].lastActivityAt >= seen[i].lastActivityAt);
    }
    // A plain cursor is not one of this order's (and the other way round): 400, not a wrong page.
    const mixed = await call(h, 'GET', '/api/v1/conversations', { query: { pinnedFirst: 'true', limit: '1', cursor: plain.json.nextCursor ?? 'WyJ4Il0' } });
    assert.equal(mixed.status, 400, mixed.body);
  });
});
