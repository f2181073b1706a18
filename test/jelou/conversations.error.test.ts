import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { eventsOf, sessionsOf } from '../helpers/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';
import { base, jelou, jelouError, startSession } from '../helpers/jelou.ts';

let h: Harness;
let person: { personId: string; conversationId: string };
before(async () => {
  h = await startHarness();
  person = await inbound(h, { phone: '5511910000001' });
});
after(async () => {
  await h?.close();
});

const url = (path: string) => `${base(h.ws.workspaceId)}${path}`;
const start = (body: unknown) => jelou(h, 'POST', url('/conversations/start'), { body });
const close = (body: unknown) => jelou(h, 'POST', url('/conversations/close'), { body });

describe('start: refused input → 422 validation_failed naming the field', () => {
  const cases: [string, () => unknown, string][] = [
    ['missing botId', () => ({ userId: person.personId }), 'botId'],
    ['missing userId', () => ({ botId: h.ws.botId }), 'userId'],
    ['botId not a string', () => ({ botId: 42, userId: person.personId }), 'botId'],
    ['empty userId', () => ({ botId: h.ws.botId, userId: '' }), 'userId'],
    ['metadata not an object', () => ({ botId: h.ws.botId, userId: person.personId, metadata: ['a'] }), 'metadata'],
    ['assignment.type unknown', () => ({ botId: h.ws.botId, userId: person.personId, assignment: { type: 'agent', target: 'x' } }), 'assignment.type'],
    ['assignment.target missing', () => ({ botId: h.ws.botId, userId: person.personId, assignment: { type: 'queue' } }), 'assignment.target'],
    ['initialMessage not a string', () => ({ botId: h.ws.botId, userId: person.personId, initialMessage: { text: 'x' } }), 'initialMessage'],
  ];
  for (const [name, body, field] of cases) {
    test(name, async () => {
      const e = jelouError(await start(body()), 422, 'validation_failed');
      assert.deepEqual(Object.keys(e.validationError), [field]);
      assert.equal(e.message, 'Validation failed');
    });
  }

  test('the documented example: missing botId → {"botId":["is required"]}', async () => {
    const e = jelouError(await start({ userId: person.personId }), 422, 'validation_failed');
    assert.deepEqual(e.validationError, { botId: ['is required'] });
  });

  test('metadata over 16 KiB', async () => {
    const e = jelouError(await start({ botId: h.ws.botId, userId: person.personId, metadata: { blob: 'x'.repeat(16 * 1024) } }), 422, 'validation_failed');
    assert.deepEqual(Object.keys(e.validationError), ['metadata']);
    assert.equal((await sessionsOf(h, person.conversationId)).length, 0);
  });

  test('metadata of exactly 16 KiB is accepted', async () => {
    const other = await inbound(h, { phone: '5511910000099' });
    const blob = 'x'.repeat(16 * 1024 - '{"blob":""}'.length);
    assert.equal(Buffer.byteLength(JSON.stringify({ blob })), 16 * 1024);
    const s = await startSession(h, { userId: other.personId, metadata: { blob } });
    await close({ botId: h.ws.botId, userId: other.personId });
    assert.ok(s._id);
  });

  test('malformed JSON, a non-object body and a non-JSON content type', async () => {
    const bad = jelouError(await jelou(h, 'POST', url('/conversations/start'), { raw: '{"botId": "x",' }), 422, 'validation_failed');
    assert.deepEqual(bad.validationError, { body: ['is not valid JSON'] });
    jelouError(await jelou(h, 'POST', url('/conversations/start'), { raw: '"just a string"' }), 422, 'validation_failed');
    jelouError(await jelou(h, 'POST', url('/conversations/start'), { raw: 'botId=x', headers: { 'content-type': 'text/plain' } }), 422, 'validation_failed');
  });

  test('a body over the 1 MiB limit → 413 payload_too_large', async () => {
    const raw = JSON.stringify({ botId: h.ws.botId, userId: person.personId, initialMessage: 'x'.repeat(1024 * 1024) });
    const e = jelouError(await jelou(h, 'POST', url('/conversations/start'), { raw }), 413, 'payload_too_large');
    assert.equal(e.message, 'Payload too large');
  });
});

describe('start: unknown references → 404 of their kind, bot first', () => {
  test('unknown bot → bot_not_found', async () => {
    const e = jelouError(await start({ botId: newId(), userId: person.personId }), 404, 'bot_not_found');
    assert.equal(e.message, 'Bot not found');
    jelouError(await start({ botId: 'BOT_ID', userId: 'nobody' }), 404, 'bot_not_found');
  });

  test('unknown user → user_not_found (neither a person id nor a referenceId)', async () => {
    const e = jelouError(await start({ botId: h.ws.botId, userId: 'USER-DOES-NOT-EXIST' }), 404, 'user_not_found');
    assert.match(e.error.description, /USER-DOES-NOT-EXIST/);
  });

  test('unknown operator → operator_not_found; nothing changed', async () => {
    const before = await eventsOf(h, person.conversationId);
    jelouError(await start({ botId: h.ws.botId, userId: person.personId, assignment: { type: 'operator', target: newId() } }), 404, 'operator_not_found');
    jelouError(
      await start({ botId: h.ws.botId, userId: person.personId, assignment: { type: 'operator', target: 'nobody@example.com' } }),
      404,
      'operator_not_found',
    );
    assert.deepEqual(await eventsOf(h, person.conversationId), before);
    assert.equal((await sessionsOf(h, person.conversationId)).length, 0);
  });
});

describe('start: a second one for the same bot and user', () => {
  test('→ 409 conversation_already_active naming the existing id, no data, nothing changed', async () => {
    const first = await startSession(h, { userId: person.personId, assignment: { type: 'queue', target: 'SUPPORT' } });
    const events = await eventsOf(h, person.conversationId);
    const roles = await h.store.db.selectFrom('roles').select('id').where('workspace_id', '=', h.ws.workspaceId).execute();
    const res = await start({ botId: h.ws.botId, userId: person.personId, initialMessage: 'again', assignment: { type: 'queue', target: 'A NEW QUEUE' } });
    const e = jelouError(res, 409, 'conversation_already_active');
    assert.equal('data' in res.json, false);
    assert.match(e.error.description, new RegExp(first._id));
    assert.deepEqual(await eventsOf(h, person.conversationId), events, 'no event, no message');
    assert.deepEqual(await h.store.db.selectFrom('roles').select('id').where('workspace_id', '=', h.ws.workspaceId).execute(), roles, 'no role created');
    assert.equal((await sessionsOf(h, person.conversationId)).length, 1);
  });

  test('concurrent starts for one pair: exactly one session', async () => {
    const racer = await inbound(h, { phone: '5511910000050' });
    const results = await Promise.all([1, 2, 3].map(() => start({ botId: h.ws.botId, userId: racer.personId, initialMessage: 'oi' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409], results.map((r) => r.body).join('\n'));
    const sessions = await sessionsOf(h, racer.conversationId);
    assert.equal(sessions.length, 1);
    const sent = await h.store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', racer.conversationId)
      .where('direction', '=', 'OUTBOUND')
      .execute();
    assert.equal(sent.length, 1, 'one initial message');
  });
});

describe('close: refused', () => {
  test('no active session → 404 no_active_conversation', async () => {
    const idle = await inbound(h, { phone: '5511910000002' });
    const e = jelouError(await close({ botId: h.ws.botId, userId: idle.personId }), 404, 'no_active_conversation');
    assert.equal(e.message, 'No active conversation');
  });

  test('unknown bot or user → 404 bot_not_found / user_not_found', async () => {
    jelouError(await close({ botId: newId(), userId: person.personId }), 404, 'bot_not_found');
    jelouError(await close({ botId: h.ws.botId, userId: newId() }), 404, 'user_not_found');
  });

  test('required fields, redirect type, text required for a text redirect → 422', async () => {
    assert.deepEqual(jelouError(await close({ userId: person.personId }), 422, 'validation_failed').validationError, { botId: ['is required'] });
    assert.deepEqual(Object.keys(jelouError(await close({ botId: h.ws.botId }), 422, 'validation_failed').validationError), ['userId']);
    assert.deepEqual(
      Object.keys(
        jelouError(await close({ botId: h.ws.botId, userId: person.personId, redirectPayload: { type: 'flow' } }), 422, 'validation_failed').validationError,
      ),
      ['redirectPayload.type'],
    );
    for (const redirectPayload of [{ type: 'text' }, { type: 'text', text: '' }, { type: 'text', text: null }]) {
      const e = jelouError(await close({ botId: h.ws.botId, userId: person.personId, redirectPayload }), 422, 'validation_failed');
      assert.deepEqual(Object.keys(e.validationError), ['redirectPayload.text']);
    }
    assert.equal((await sessionsOf(h, person.conversationId)).filter((s) => s.state === 'active').length, 1, 'still active');
    jelouError(await jelou(h, 'POST', url('/conversations/close'), { raw: '{oops' }), 422, 'validation_failed');
  });
});

describe('get and unknown routes', () => {
  test('unknown conversation id → 404 conversation_not_found', async () => {
    const id = newId();
    const e = jelouError(await jelou(h, 'GET', url(`/conversations/${id}`)), 404, 'conversation_not_found');
    assert.equal(e.message, 'Conversation not found');
    assert.equal(e.error.description, `No conversation ${id} in project ${h.ws.workspaceId}`);
  });

  test('a room id is not a conversation id', async () => {
    jelouError(await jelou(h, 'GET', url(`/conversations/${person.conversationId}`)), 404, 'conversation_not_found');
  });

  for (const path of ['/jelouapi/v1/external-support/x/y/z', '/platform/nothing', '/v1/external-support/unknown', '/jelouapi']) {
    test(`unknown route ${path} → Jelou's 404`, async () => {
      jelouError(await jelou(h, 'GET', path), 404, 'route_not_found');
    });
  }

  test('GET on the panel webhook path is not a project', async () => {
    const res = await jelou(h, 'GET', '/jelouapi/v1/external-support/webhook');
    jelouError(res, 401, 'project_mismatch');
    jelouError(await jelou(h, 'GET', '/v1/external-support/webhook'), 404, 'route_not_found');
  });
});
