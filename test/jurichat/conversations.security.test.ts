import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser, makeRole } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
let mine: { conversationId: string; messageId: string; personId: string };
let theirs: { conversationId: string; messageId: string; personId: string };
before(async () => {
  h = await startHarness();
  mine = await inbound(h, { phone: '5511940000001' });
  theirs = await inbound(h, { ws: h.other, phone: '5511940000002' });
});
after(async () => {
  await h?.close();
});

type Method = 'GET' | 'POST' | 'PATCH';
const ID = /c[0-9a-z]{26}/g;

/** The other workspace's key gets for this workspace's id exactly what it gets for an id that does not exist. */
async function looksUnknown(
  method: Method,
  url: (id: string) => string,
  body?: (id: string) => unknown,
  query?: (id: string) => Record<string, string>,
  real = mine.conversationId,
) {
  const answer = async (id: string) =>
    juri(h, method, url(id), { key: h.other.apiKey, ...(body ? { body: body(id) } : {}), ...(query ? { query: query(id) } : {}) });
  const foreign = await answer(real);
  const unknown = await answer(newId());
  assert.equal(foreign.status, 404, foreign.body);
  assert.equal(unknown.status, 404);
  assert.equal(foreign.json.message.replace(ID, 'ID'), unknown.json.message.replace(ID, 'ID'));
}

describe('a key of another workspace', () => {
  test('GET /conversation/{id}', () => looksUnknown('GET', (id) => `/conversation/${id}`));
  test("GET /conversation with this workspace's inbox", () =>
    looksUnknown(
      'GET',
      () => '/conversation',
      undefined,
      (id) => ({ inboxId: id }),
      h.ws.inboxId,
    ));
  test('PATCH /conversation/{id}', () =>
    looksUnknown(
      'PATCH',
      (id) => `/conversation/${id}`,
      () => ({ priority: 'HIGH' }),
    ));
  test('PATCH /conversation/{id}/archive', () =>
    looksUnknown(
      'PATCH',
      (id) => `/conversation/${id}/archive`,
      () => ({ isArchived: true }),
    ));
  test('POST /conversation/start-human-support', () =>
    looksUnknown(
      'POST',
      () => '/conversation/start-human-support',
      (id) => ({ conversationId: id, isRandom: true }),
    ));
  test('POST /conversation/end-human-support', () =>
    looksUnknown(
      'POST',
      () => '/conversation/end-human-support',
      (id) => ({ conversationId: id }),
    ));
  test('POST /conversation/send-message', () =>
    looksUnknown(
      'POST',
      () => '/conversation/send-message',
      (id) => ({ conversationId: id, message: 'x' }),
    ));
  test('POST /conversation/note', () =>
    looksUnknown(
      'POST',
      () => '/conversation/note',
      (id) => ({ conversationId: id, note: 'x' }),
    ));
  test('GET /conversation/notes', () =>
    looksUnknown(
      'GET',
      () => '/conversation/notes',
      undefined,
      (id) => ({ conversationId: id }),
    ));
  test('POST /conversation/forward-message (foreign target)', () =>
    looksUnknown(
      'POST',
      () => '/conversation/forward-message',
      (id) => ({ conversationId: [id], messageId: [theirs.messageId] }),
    ));
  test('POST /conversation/forward-message (foreign message)', () =>
    looksUnknown(
      'POST',
      () => '/conversation/forward-message',
      (id) => ({ conversationId: [theirs.conversationId], messageId: [id] }),
      undefined,
      mine.messageId,
    ));
  test("POST /conversation with this workspace's person", () =>
    looksUnknown(
      'POST',
      () => '/conversation',
      (id) => ({ personId: id, inboxId: h.other.inboxId, integrationId: h.other.channelId }),
      undefined,
      mine.personId,
    ));
  test("POST /conversation with this workspace's channel", async () => {
    const res = await juri(h, 'POST', '/conversation', {
      key: h.other.apiKey,
      body: { personId: theirs.personId, inboxId: h.other.inboxId, integrationId: h.ws.channelId },
    });
    assert.equal(res.status, 404);
  });

  test("cannot reference this workspace's users, roles, tags or messages from its own conversation", async () => {
    const myUser = await makeUser(h);
    const myRole = await makeRole(h);
    const key = h.other.apiKey;
    assert.equal(
      (await juri(h, 'POST', '/conversation/start-human-support', { key, body: { conversationId: theirs.conversationId, selectedUserId: myUser } })).status,
      404,
    );
    assert.equal((await juri(h, 'PATCH', `/conversation/${theirs.conversationId}`, { key, body: { roleId: myRole } })).status, 404);
    assert.equal((await juri(h, 'PATCH', `/conversation/${theirs.conversationId}`, { key, body: { agentId: h.ws.botId } })).status, 404);
    await juri(h, 'POST', '/conversation/start-human-support', {
      key,
      body: { conversationId: theirs.conversationId, selectedUserId: await makeUser(h, h.other.workspaceId) },
    });
    assert.equal(
      (
        await juri(h, 'POST', '/conversation/send-message', {
          key,
          body: { conversationId: theirs.conversationId, message: 'x', quotedMessageId: mine.messageId },
        })
      ).status,
      404,
    );
    assert.equal(
      (await juri(h, 'POST', '/conversation/send-message', { key, body: { conversationId: theirs.conversationId, message: 'x', userId: myUser } })).status,
      404,
    );
  });

  test('isRandom never picks a user of another workspace', async () => {
    const lonely = await inbound(h, { ws: h.other, phone: '5511940000003' });
    const before = await h.store.db.selectFrom('users').select('id').where('workspace_id', '=', h.other.workspaceId).execute();
    const res = await juri(h, 'POST', '/conversation/start-human-support', {
      key: h.other.apiKey,
      body: { conversationId: lonely.conversationId, isRandom: true },
    });
    if (before.length === 0) assert.equal(res.status, 400);
    else {
      const row = await h.store.db.selectFrom('conversations').select('assignee_user_id').where('id', '=', lonely.conversationId).executeTakeFirstOrThrow();
      assert.ok(before.some((u) => u.id === row.assignee_user_id));
    }
  });

  test("lists never contain this workspace's conversations", async () => {
    const res = await juri(h, 'GET', '/conversation', { key: h.other.apiKey, query: { inboxId: h.other.inboxId, limit: '100' } });
    assert.ok(res.json.data.every((c: { id: string }) => c.id !== mine.conversationId));
    assert.equal(res.json.totalResults, res.json.data.length);
  });
});
