import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { newId } from '../../src/domain/ids.ts';
import { base, createIntegration, jelou, jelouError, panelReply, replyBody, sign, startSession } from '../helpers/jelou.ts';

let h: Harness;
let secret: string;
let room: { projectId: string; roomId: string; botId: string; userId: string };
let idle: { projectId: string; roomId: string; botId: string; userId: string };
before(async () => {
  h = await startHarness();
  secret = (await createIntegration(h, 'https://panel.example.com/hook')).signingSecret;
  const p = await inbound(h, { phone: '5511880000001' });
  await startSession(h, { userId: p.personId });
  room = { projectId: h.ws.workspaceId, roomId: p.conversationId, botId: h.ws.botId, userId: p.personId };
  const q = await inbound(h, { phone: '5511880000002' });
  idle = { projectId: h.ws.workspaceId, roomId: q.conversationId, botId: h.ws.botId, userId: q.personId };
});
after(async () => {
  await h?.close();
});

const outboundCount = async () =>
  Number(
    (
      await h.store.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', h.ws.workspaceId)
        .where('direction', '=', 'OUTBOUND')
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('signature', () => {
  test('missing → 401 invalid_signature', async () => {
    const e = jelouError(await panelReply(h, replyBody(room, 's-1'), secret, { signature: null }), 401, 'invalid_signature');
    assert.equal(e.message, 'Invalid signature');
  });

  test('malformed → 401 invalid_signature', async () => {
    for (const signature of ['', 'abc', 'sha256=', 'sha256=zz', `sha1=${'a'.repeat(64)}`, sign(secret, 'x').slice(0, -2)]) {
      jelouError(await panelReply(h, replyBody(room, 's-2'), secret, { signature }), 401, 'invalid_signature');
    }
  });

  test('wrong: another secret, or the right secret over other bytes → 401 invalid_signature; nothing stored', async () => {
    const before = await outboundCount();
    jelouError(await panelReply(h, replyBody(room, 's-3'), 'f'.repeat(64)), 401, 'invalid_signature');
    const body = replyBody(room, 's-4');
    const signedOther = sign(secret, JSON.stringify(body, null, 2));
    jelouError(await panelReply(h, body, secret, { signature: signedOther }), 401, 'invalid_signature');
    const tampered = JSON.stringify({ ...body, value: { ...body.value, content: { body: 'tampered' } } });
    jelouError(await panelReply(h, null, secret, { raw: tampered, signature: sign(secret, JSON.stringify(body)) }), 401, 'invalid_signature');
    assert.equal(await outboundCount(), before);
  });

  test('an uppercase hex digest is the same signature', async () => {
    const body = replyBody(room, 's-upper');
    const signature = `sha256=${sign(secret, JSON.stringify(body)).slice(7).toUpperCase()}`;
    assert.equal((await panelReply(h, body, secret, { signature })).status, 200);
  });

  test('a rotated secret replaces the old one at once', async () => {
    const rotated = (await jelou(h, 'PATCH', base(h.ws.workspaceId), { body: { rotateSecret: true } })).json.data.signingSecret;
    jelouError(await panelReply(h, replyBody(room, 's-5'), secret), 401, 'invalid_signature');
    assert.equal((await panelReply(h, replyBody(room, 's-5'), rotated)).status, 200);
    secret = rotated;
  });
});

describe('the project and the room', () => {
  test('project_id missing → 422; a project without an integration → 404 integration_not_found', async () => {
    const { project_id: _p, ...withoutProject } = replyBody(room, 'p-1');
    const e = jelouError(await panelReply(h, withoutProject, secret), 422, 'validation_failed');
    assert.deepEqual(Object.keys(e.validationError), ['project_id']);
    jelouError(await panelReply(h, replyBody({ ...room, projectId: h.other.workspaceId }, 'p-2'), secret), 404, 'integration_not_found');
    jelouError(await panelReply(h, replyBody({ ...room, projectId: newId() }, 'p-3'), secret), 404, 'integration_not_found');
  });

  test('unknown room → 404 conversation_not_found', async () => {
    const e = jelouError(await panelReply(h, replyBody({ ...room, roomId: newId() }, 'r-1'), secret), 404, 'conversation_not_found');
    assert.equal(e.message, 'Conversation not found');
  });

  test('a room with no active session → 409 no_active_conversation', async () => {
    const e = jelouError(await panelReply(h, replyBody(idle, 'r-2'), secret), 409, 'no_active_conversation');
    assert.match(e.error.description, new RegExp(idle.roomId));
  });

  test("bot_id or user_id that are not the room's → 422 naming the field", async () => {
    assert.deepEqual(
      Object.keys(jelouError(await panelReply(h, replyBody({ ...room, botId: newId() }, 'r-3'), secret), 422, 'validation_failed').validationError),
      ['bot_id'],
    );
    assert.deepEqual(
      Object.keys(jelouError(await panelReply(h, replyBody({ ...room, userId: idle.userId }, 'r-4'), secret), 422, 'validation_failed').validationError),
      ['user_id'],
    );
  });

  test('a reply after the session closed → 409; a repeat of a reply sent before the close → 200 with its id', async () => {
    const p = await inbound(h, { phone: '5511880000003' });
    await startSession(h, { userId: p.personId });
    const r = { projectId: h.ws.workspaceId, roomId: p.conversationId, botId: h.ws.botId, userId: p.personId };
    const sent = await panelReply(h, replyBody(r, 'before-close'), secret);
    assert.equal(sent.status, 200, sent.body);
    await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/close`, { body: { botId: h.ws.botId, userId: p.personId } });
    jelouError(await panelReply(h, replyBody(r, 'after-close'), secret), 409, 'no_active_conversation');
    const repeat = await panelReply(h, replyBody(r, 'before-close'), secret);
    assert.deepEqual(repeat.json, sent.json);
  });
});

describe('the body', () => {
  const fixed: [string, string][] = [
    ['field', 'message'],
    ['object', 'event'],
    ['event_type', 'message'],
  ];
  for (const [field, wrong] of fixed) {
    test(`${field} other than the fixed value → 422`, async () => {
      const e = jelouError(await panelReply(h, { ...replyBody(room, `f-${field}`), [field]: wrong }, secret), 422, 'validation_failed');
      assert.deepEqual(Object.keys(e.validationError), [field]);
    });
  }

  test('unknown value.type → 422', async () => {
    for (const type of ['sticker', 'location', 'template']) {
      const e = jelouError(await panelReply(h, replyBody(room, `t-${type}`, { type, content: { body: 'x' } }), secret), 422, 'validation_failed');
      assert.deepEqual(Object.keys(e.validationError), ['value.type']);
    }
  });

  test('missing pieces → 422 naming them', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'text', content: {} }, 'value.content.body'],
      [{ type: 'text', content: { body: '   ' } }, 'value.content.body'],
      [{ type: 'image', content: { mime_type: 'image/png' } }, 'value.content.url'],
      [{ type: 'document', content: { url: 'file:///etc/passwd', mime_type: 'application/pdf' } }, 'value.content.url'],
      [{ type: 'text' }, 'value.content'],
    ];
    for (const [value, field] of cases) {
      const e = jelouError(await panelReply(h, replyBody(room, 'm-x', value), secret), 422, 'validation_failed');
      assert.deepEqual(Object.keys(e.validationError), [field], JSON.stringify(value));
    }
    const { value: _v, ...noValue } = replyBody(room, 'm-y');
    assert.deepEqual(Object.keys(jelouError(await panelReply(h, noValue, secret), 422, 'validation_failed').validationError), ['value']);
    const noId = replyBody(room, 'm-z');
    delete (noId.value as Record<string, unknown>).id;
    assert.deepEqual(Object.keys(jelouError(await panelReply(h, noId, secret), 422, 'validation_failed').validationError), ['value.id']);
  });

  test('malformed JSON → 422 validation_failed', async () => {
    const raw = '{"field":"messages",';
    const e = jelouError(await panelReply(h, null, secret, { raw }), 422, 'validation_failed');
    assert.deepEqual(e.validationError, { body: ['is not valid JSON'] });
  });
});
