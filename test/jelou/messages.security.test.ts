import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { newId } from '../../src/domain/ids.ts';
import { startReceiver, testDispatcher, drain } from '../helpers/receiver.ts';
import { createIntegration, jelouError, panelReply, replyBody, startSession } from '../helpers/jelou.ts';

let h: Harness;
let mySecret: string;
let theirSecret: string;
let mine: { projectId: string; roomId: string; botId: string; userId: string };
let theirs: { projectId: string; roomId: string; botId: string; userId: string };
let myReceiver: Awaited<ReturnType<typeof startReceiver>>;
let theirReceiver: Awaited<ReturnType<typeof startReceiver>>;

before(async () => {
  h = await startHarness();
  myReceiver = await startReceiver();
  theirReceiver = await startReceiver();
  mySecret = (await createIntegration(h, myReceiver.url)).signingSecret;
  theirSecret = (await createIntegration(h, theirReceiver.url, { ws: h.other })).signingSecret;
  const p = await inbound(h, { phone: '5511870000001', name: 'Minha' });
  await startSession(h, { userId: p.personId });
  mine = { projectId: h.ws.workspaceId, roomId: p.conversationId, botId: h.ws.botId, userId: p.personId };
  const q = await inbound(h, { ws: h.other, phone: '5511870000002', name: 'Deles' });
  await startSession(h, { userId: q.personId }, h.other);
  theirs = { projectId: h.other.workspaceId, roomId: q.conversationId, botId: h.other.botId, userId: q.personId };
});
after(async () => {
  await myReceiver.close();
  await theirReceiver.close();
  await h?.close();
});

const ID = /c[0-9a-z]{26}/g;
const outbound = (conversationId: string) =>
  h.store.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('direction', '=', 'OUTBOUND').execute();

describe("one project's signature never reaches another project's room", () => {
  test('their project and secret with my room → 404 conversation_not_found, like an unknown room', async () => {
    const foreign = await panelReply(h, replyBody({ ...theirs, roomId: mine.roomId }, 'x-1'), theirSecret);
    const unknown = await panelReply(h, replyBody({ ...theirs, roomId: newId() }, 'x-2'), theirSecret);
    jelouError(foreign, 404, 'conversation_not_found');
    jelouError(unknown, 404, 'conversation_not_found');
    assert.equal(foreign.json.error.description.replace(ID, 'ID'), unknown.json.error.description.replace(ID, 'ID'));
  });

  test('their project and secret with my room, bot and user → still 404', async () => {
    jelouError(await panelReply(h, replyBody({ ...mine, projectId: theirs.projectId }, 'x-3'), theirSecret), 404, 'conversation_not_found');
  });

  test('my project named, signed with their secret → 401 invalid_signature', async () => {
    jelouError(await panelReply(h, replyBody(mine, 'x-4'), theirSecret), 401, 'invalid_signature');
  });

  test('their room under my project with my secret → 404', async () => {
    jelouError(await panelReply(h, replyBody({ ...theirs, projectId: mine.projectId }, 'x-5'), mySecret), 404, 'conversation_not_found');
  });

  test('nothing was stored in either room', async () => {
    assert.equal((await outbound(mine.roomId)).length, 0);
    assert.equal((await outbound(theirs.roomId)).length, 0);
    assert.equal((await panelReply(h, replyBody(mine, 'ok-mine'), mySecret)).status, 200);
    assert.equal((await panelReply(h, replyBody(theirs, 'ok-theirs'), theirSecret)).status, 200);
  });
});

describe('events stay in their workspace', () => {
  test("each integration receives its own workspace's events only", async () => {
    await inbound(h, { phone: '5511870000001', text: 'minha mensagem' });
    await inbound(h, { ws: h.other, phone: '5511870000002', text: 'mensagem deles' });
    const clock = { now: Date.now() };
    await drain(testDispatcher(h, clock));
    const mineGot = myReceiver.received.map((r) => r.json);
    const theirsGot = theirReceiver.received.map((r) => r.json);
    assert.deepEqual(
      mineGot.map((e) => e.event ?? e.event_type),
      ['conversation.start', 'message'],
    );
    assert.deepEqual(
      theirsGot.map((e) => e.event ?? e.event_type),
      ['conversation.start', 'message'],
    );
    assert.ok(mineGot.every((e) => e.project_id === h.ws.workspaceId && e.room_id === mine.roomId));
    assert.ok(theirsGot.every((e) => e.project_id === h.other.workspaceId && e.room_id === theirs.roomId));
    assert.equal(mineGot[1].value.content.body, 'minha mensagem');
    assert.equal(theirsGot[1].value.content.body, 'mensagem deles');
    assert.ok(!myReceiver.received.some((r) => r.text.includes('mensagem deles')));
  });
});
