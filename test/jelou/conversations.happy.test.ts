import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { eventsOf, makeRole, makeUser, sessionsOf } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';
import { ISO_MS, PREFIXES, base, jelou, startSession } from '../helpers/jelou.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const url = (path = '', prefix: '/jelouapi' | '/platform' = '/jelouapi') => `${base(h.ws.workspaceId, prefix)}${path}`;
const messagesOf = (conversationId: string) =>
  h.store.db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('id')
    .execute();
const conversationRow = (id: string) => h.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** A person with a referenceId and no conversation yet, in the workspace's inbox. */
async function makePerson(name: string, referenceId: string | null = null) {
  const id = newId();
  const now = Date.now();
  await h.store.db
    .insertInto('people')
    .values({
      workspace_id: h.ws.workspaceId,
      id,
      inbox_id: h.ws.inboxId,
      name,
      phone_number: `55118${String(now).slice(-6)}${Math.floor(Math.random() * 100)}`,
      email: null,
      image_url: null,
      document: null,
      description: null,
      country: null,
      city: null,
      is_blocked: 0,
      reference_id: referenceId,
      search_text: name.toLowerCase(),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  return id;
}

describe('start', () => {
  test('queue by name → WAITING with a new role; the documented shape; the initial message is a bot OUTBOUND message; the JuriChat view agrees', async () => {
    const { personId, conversationId } = await inbound(h, { phone: '5511920000001', name: 'Carla Cliente', text: 'quero falar com alguém' });
    const res = await jelou(h, 'POST', url('/conversations/start'), {
      body: {
        botId: h.ws.botId,
        userId: personId,
        initialMessage: 'Um atendente vai falar com você',
        metadata: { ticketId: 'T-12345' },
        assignment: { type: 'queue', target: 'SUPPORT' },
      },
    });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json), ['message', 'statusMessage', 'status', 'data']);
    assert.deepEqual(res.json.message, ['Conversation started successfully']);
    assert.equal(res.json.statusMessage, 'success');
    assert.equal(res.json.status, 1);
    const s = res.json.data;
    assert.deepEqual(Object.keys(s), ['_id', 'roomId', 'state', 'startAt', 'User', 'Bot'], 'endAt and endedReason are absent while active');
    assert.match(s._id, /^c[0-9a-z]{26}$/);
    assert.equal(s.roomId, conversationId, 'roomId is the conversation id');
    assert.equal(s.state, 'active');
    assert.match(s.startAt, ISO_MS);
    assert.deepEqual(Object.keys(s.User), ['id', 'names', 'referenceId', 'createdAt']);
    assert.equal(s.User.id, personId);
    assert.equal(s.User.names, 'Carla Cliente');
    assert.equal(s.User.referenceId, null);
    assert.match(s.User.createdAt, ISO_MS);
    assert.deepEqual(s.Bot, { id: h.ws.botId, name: 'Bot', type: 'Whatsapp' });

    const c = await conversationRow(conversationId);
    assert.equal(c.status, 'WAITING');
    assert.equal(c.assignee_user_id, null);
    const role = await h.store.db
      .selectFrom('roles')
      .selectAll()
      .where('workspace_id', '=', h.ws.workspaceId)
      .where('id', '=', c.role_id!)
      .executeTakeFirstOrThrow();
    assert.equal(role.name, 'SUPPORT', 'a role of that name was created');

    const [session] = await sessionsOf(h, conversationId);
    assert.equal(session.id, s._id);
    assert.equal(session.state, 'active');
    assert.equal(session.bot_id, h.ws.botId);
    assert.equal(session.person_id, personId);
    assert.equal(session.initial_message, 'Um atendente vai falar com você');
    assert.deepEqual(JSON.parse(session.metadata!), { ticketId: 'T-12345' });
    assert.equal(session.assignment_type, 'queue');
    assert.equal(session.assignment_target, 'SUPPORT');

    const messages = await messagesOf(conversationId);
    const initial = messages.at(-1)!;
    assert.equal(initial.direction, 'OUTBOUND');
    assert.equal(initial.type, 'text');
    assert.equal(initial.content, 'Um atendente vai falar com você');
    assert.equal(initial.sender_bot_id, h.ws.botId);
    assert.equal(initial.sender_user_id, null);
    assert.equal(initial.external_status, 'sent', 'handed to the sandbox channel');

    const events = (await eventsOf(h, conversationId)).map((e) => e.type);
    assert.deepEqual(events.slice(-3), ['conversation.updated', 'support_session.started', 'message.created'], 'the session opens, then the bot speaks');
    const started = (await eventsOf(h, conversationId)).find((e) => e.type === 'support_session.started')!;
    assert.equal(started.payload.session.initialMessage, 'Um atendente vai falar com você');
    assert.deepEqual(started.payload.session.metadata, { ticketId: 'T-12345' });
    assert.deepEqual(started.payload.session.assignment, { type: 'queue', target: 'SUPPORT' });

    const view = await juri(h, 'GET', `/conversation/${conversationId}`);
    assert.equal(view.status, 200, view.body);
    assert.equal(view.json.data.id, conversationId);
    assert.equal(view.json.data.status, 'WAITING');
    assert.equal(view.json.data.messages.at(-1).content, 'Um atendente vai falar com você');
    assert.equal(view.json.data.messages.at(-1).direction, 'OUTBOUND');
  });

  test('the same queue name reuses its role; a role id or a team name works too', async () => {
    const supportRoles = () => h.store.db.selectFrom('roles').select('id').where('workspace_id', '=', h.ws.workspaceId).where('name', '=', 'SUPPORT').execute();
    const before = await supportRoles();
    const a = await inbound(h, { phone: '5511920000002' });
    await startSession(h, { userId: a.personId, assignment: { type: 'queue', target: 'SUPPORT' } });
    assert.deepEqual(await supportRoles(), before);
    assert.equal((await conversationRow(a.conversationId)).role_id, before[0].id);

    const roleId = await makeRole(h, h.ws.workspaceId, 'Financeiro');
    const b = await inbound(h, { phone: '5511920000003' });
    await startSession(h, { userId: b.personId, assignment: { type: 'team', target: roleId } });
    assert.equal((await conversationRow(b.conversationId)).role_id, roleId);

    const c = await inbound(h, { phone: '5511920000004' });
    await startSession(h, { userId: c.personId, assignment: { type: 'team', target: 'Financeiro' } });
    assert.equal((await conversationRow(c.conversationId)).role_id, roleId);
  });

  test('operator by e-mail → ACTIVE with that agent; the JuriChat view shows the agent', async () => {
    const agentId = await makeUser(h, h.ws.workspaceId, 'Olga Operadora');
    const email = `${agentId}@example.com`;
    const { personId, conversationId } = await inbound(h, { phone: '5511920000005' });
    const s = await startSession(h, { userId: personId, assignment: { type: 'operator', target: email.toUpperCase() } });
    assert.equal(s.state, 'active');
    const c = await conversationRow(conversationId);
    assert.equal(c.status, 'ACTIVE');
    assert.equal(c.assignee_user_id, agentId);
    const view = await juri(h, 'GET', `/conversation/${conversationId}`);
    assert.equal(view.json.data.status, 'ACTIVE');
    assert.equal(view.json.data.user.id, agentId);
    const events = (await eventsOf(h, conversationId)).map((e) => e.type);
    assert.deepEqual(events.slice(-3), ['conversation.updated', 'conversation.assigned', 'support_session.started']);
    assert.equal((await messagesOf(conversationId)).filter((m) => m.direction === 'OUTBOUND').length, 0, 'no initialMessage, nothing sent');
  });

  test('operator by id', async () => {
    const agentId = await makeUser(h);
    const { personId, conversationId } = await inbound(h, { phone: '5511920000006' });
    await startSession(h, { userId: personId, assignment: { type: 'operator', target: agentId } });
    assert.equal((await conversationRow(conversationId)).assignee_user_id, agentId);
  });

  test("userId as a person's referenceId; a person without a conversation gets one on the bot's channel", async () => {
    const personId = await makePerson('Rita Referência', 'CRM-778');
    const s = await startSession(h, { userId: 'CRM-778' });
    assert.equal(s.User.id, personId);
    assert.equal(s.User.referenceId, 'CRM-778');
    assert.equal(s.User.names, 'Rita Referência');
    const c = await conversationRow(s.roomId);
    assert.equal(c.person_id, personId);
    assert.equal(c.channel_id, h.ws.channelId);
    assert.equal(c.inbox_id, h.ws.inboxId);
    assert.equal(c.bot_id, h.ws.botId);
    assert.equal(c.status, 'WAITING');
    const events = (await eventsOf(h, s.roomId)).map((e) => e.type);
    assert.deepEqual(events, ['conversation.created', 'conversation.updated', 'support_session.started']);
  });
});

describe('get', () => {
  test('both prefixes and both auth schemes answer the same session; reading emits nothing', async () => {
    const { personId, conversationId } = await inbound(h, { phone: '5511920000010' });
    const s = await startSession(h, { userId: personId });
    const eventsBefore = (await eventsOf(h, conversationId)).length;
    for (const prefix of PREFIXES) {
      for (const auth of ['key', 'basic'] as const) {
        const res = await jelou(h, 'GET', url(`/conversations/${s._id}`, prefix), { auth });
        assert.equal(res.status, 200, res.body);
        assert.deepEqual(res.json.message, ['Conversation retrieved successfully']);
        assert.equal(res.json.statusMessage, 'success');
        assert.equal(res.json.status, 1);
        assert.deepEqual(res.json.data, s);
      }
    }
    assert.equal((await eventsOf(h, conversationId)).length, eventsBefore);
  });
});

describe('close', () => {
  test('text redirect: closed session with endAt/endedReason, back to ROBOT_INTERACTIVE, the text sent by the bot', async () => {
    const { personId, conversationId } = await inbound(h, { phone: '5511920000020', name: 'Tânia' });
    const s = await startSession(h, { userId: personId, assignment: { type: 'queue', target: 'SUPPORT' } });
    const res = await jelou(h, 'POST', url('/conversations/close', '/platform'), {
      auth: 'basic',
      body: { botId: h.ws.botId, userId: personId, redirectPayload: { type: 'text', text: 'Obrigado! Voltando ao menu.' } },
    });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json.message, ['Conversation closed successfully']);
    const d = res.json.data;
    assert.deepEqual(Object.keys(d), ['_id', 'roomId', 'state', 'startAt', 'endAt', 'endedReason', 'User', 'Bot']);
    assert.equal(d._id, s._id);
    assert.equal(d.roomId, conversationId);
    assert.equal(d.state, 'closed');
    assert.equal(d.startAt, s.startAt);
    assert.match(d.endAt, ISO_MS);
    assert.ok(d.endAt >= d.startAt);
    assert.equal(d.endedReason, 'closed_by_operator');
    assert.deepEqual(d.User, s.User);
    assert.deepEqual(d.Bot, s.Bot);

    const c = await conversationRow(conversationId);
    assert.equal(c.status, 'ROBOT_INTERACTIVE');
    assert.equal(c.assignee_user_id, null);
    const last = (await messagesOf(conversationId)).at(-1)!;
    assert.equal(last.direction, 'OUTBOUND');
    assert.equal(last.content, 'Obrigado! Voltando ao menu.');
    assert.equal(last.sender_bot_id, h.ws.botId);
    const closed = (await eventsOf(h, conversationId)).find((e) => e.type === 'support_session.closed')!;
    assert.deepEqual(closed.payload.session.redirectPayload, { type: 'text', text: 'Obrigado! Voltando ao menu.' });
    assert.equal(closed.payload.session.endedReason, 'closed_by_operator');

    const got = await jelou(h, 'GET', url(`/conversations/${s._id}`));
    assert.deepEqual(got.json.data, d);
    assert.equal((await juri(h, 'GET', `/conversation/${conversationId}`)).json.data.status, 'ROBOT_INTERACTIVE');
  });

  test('edge redirect and a reason: nothing is sent; the payload is kept as given', async () => {
    const { personId, conversationId } = await inbound(h, { phone: '5511920000021' });
    await startSession(h, { userId: personId });
    const sent = (await messagesOf(conversationId)).length;
    const res = await jelou(h, 'POST', url('/conversations/close'), {
      body: { botId: h.ws.botId, userId: personId, reason: 'resolved_by_panel', redirectPayload: { type: 'edge', edgeId: 'menu-principal' } },
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.data.endedReason, 'resolved_by_panel');
    assert.equal((await messagesOf(conversationId)).length, sent);
    const [session] = await sessionsOf(h, conversationId);
    assert.deepEqual(JSON.parse(session.redirect_payload!), { type: 'edge', edgeId: 'menu-principal' });
  });

  test('without a redirect; by referenceId; a new start afterwards opens a new session', async () => {
    const personId = await makePerson('Rafa', 'REF-CLOSE-1');
    const first = await startSession(h, { userId: 'REF-CLOSE-1' });
    const res = await jelou(h, 'POST', url('/conversations/close'), { body: { botId: h.ws.botId, userId: 'REF-CLOSE-1' } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.data.endedReason, 'closed_by_operator');
    const second = await startSession(h, { userId: personId });
    assert.notEqual(second._id, first._id);
    assert.equal(second.roomId, first.roomId, 'the same room: one conversation per person and inbox');
    assert.equal((await jelou(h, 'GET', url(`/conversations/${first._id}`))).json.data.state, 'closed');
    assert.equal((await jelou(h, 'GET', url(`/conversations/${second._id}`))).json.data.state, 'active');
  });

  test("JuriChat's end-human-support closes the Jelou session too", async () => {
    const { personId, conversationId } = await inbound(h, { phone: '5511920000022' });
    const s = await startSession(h, { userId: personId, assignment: { type: 'queue', target: 'SUPPORT' } });
    const ended = await juri(h, 'POST', '/conversation/end-human-support', { body: { conversationId } });
    assert.equal(ended.status, 200, ended.body);
    const got = await jelou(h, 'GET', url(`/conversations/${s._id}`));
    assert.equal(got.json.data.state, 'closed');
    assert.equal(got.json.data.endedReason, 'closed_by_operator');
    assert.match(got.json.data.endAt, ISO_MS);
    const close = await jelou(h, 'POST', url('/conversations/close'), { body: { botId: h.ws.botId, userId: personId } });
    assert.equal(close.status, 404, 'nothing left to close');
  });

  test("JuriChat's start-human-support opens a session Jelou can read and close", async () => {
    const agentId = await makeUser(h);
    const { personId, conversationId } = await inbound(h, { phone: '5511920000023' });
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agentId } });
    const [session] = await sessionsOf(h, conversationId);
    const got = await jelou(h, 'GET', url(`/conversations/${session.id}`));
    assert.equal(got.json.data.state, 'active');
    assert.equal(got.json.data.roomId, conversationId);
    const close = await jelou(h, 'POST', url('/conversations/close'), { body: { botId: h.ws.botId, userId: personId } });
    assert.equal(close.json.data._id, session.id);
    assert.equal((await conversationRow(conversationId)).status, 'ROBOT_INTERACTIVE');
  });
});
