import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { makeRole, makeUser, sessionsOf } from '../helpers/fixtures.ts';
import { newId } from '../../src/domain/ids.ts';
import { PREFIXES, base, jelou, jelouError, startSession } from '../helpers/jelou.ts';

let h: Harness;
let mine: { personId: string; conversationId: string };
let theirs: { personId: string; conversationId: string };
let mySession: { _id: string; roomId: string };
before(async () => {
  h = await startHarness();
  mine = await inbound(h, { phone: '5511900000001' });
  theirs = await inbound(h, { ws: h.other, phone: '5511900000002' });
  mySession = await startSession(h, { userId: mine.personId });
});
after(async () => {
  await h?.close();
});

const ID = /c[0-9a-z]{26}/g;

/** Their request with my id answers exactly like their request with an id that does not exist. */
async function looksUnknown(request: (id: string) => Promise<{ status: number; json: any; body: string }>, real: string, key: string) {
  const foreign = await request(real);
  const unknown = await request(newId());
  jelouError(foreign, 404, key);
  jelouError(unknown, 404, key);
  assert.equal(foreign.json.error.description.replace(ID, 'ID'), unknown.json.error.description.replace(ID, 'ID'));
}

describe("another workspace's credentials on this project", () => {
  for (const prefix of PREFIXES) {
    for (const auth of ['key', 'basic'] as const) {
      test(`${prefix} ${auth}: start, close and get → 401 project_mismatch`, async () => {
        const url = base(h.ws.workspaceId, prefix);
        jelouError(
          await jelou(h, 'POST', `${url}/conversations/start`, { ws: h.other, auth, body: { botId: h.ws.botId, userId: mine.personId } }),
          401,
          'project_mismatch',
        );
        jelouError(
          await jelou(h, 'POST', `${url}/conversations/close`, { ws: h.other, auth, body: { botId: h.ws.botId, userId: mine.personId } }),
          401,
          'project_mismatch',
        );
        jelouError(await jelou(h, 'GET', `${url}/conversations/${mySession._id}`, { ws: h.other, auth }), 401, 'project_mismatch');
      });
    }
  }

  test('nothing moved', async () => {
    const sessions = await sessionsOf(h, mine.conversationId);
    assert.deepEqual(
      sessions.map((s) => s.state),
      ['active'],
    );
  });
});

describe("another workspace on its own project with this workspace's ids", () => {
  const theirBase = () => base(h.other.workspaceId);

  test("GET this workspace's session → 404 conversation_not_found, like an unknown id", async () => {
    await looksUnknown((id) => jelou(h, 'GET', `${theirBase()}/conversations/${id}`, { ws: h.other }), mySession._id, 'conversation_not_found');
  });

  test("start with this workspace's bot → 404 bot_not_found", async () => {
    await looksUnknown(
      (id) => jelou(h, 'POST', `${theirBase()}/conversations/start`, { ws: h.other, body: { botId: id, userId: theirs.personId } }),
      h.ws.botId,
      'bot_not_found',
    );
  });

  test("start with this workspace's person → 404 user_not_found", async () => {
    await looksUnknown(
      (id) => jelou(h, 'POST', `${theirBase()}/conversations/start`, { ws: h.other, body: { botId: h.other.botId, userId: id } }),
      mine.personId,
      'user_not_found',
    );
  });

  test("start with this workspace's user as operator → 404 operator_not_found", async () => {
    const agent = await makeUser(h);
    await looksUnknown(
      (id) =>
        jelou(h, 'POST', `${theirBase()}/conversations/start`, {
          ws: h.other,
          body: { botId: h.other.botId, userId: theirs.personId, assignment: { type: 'operator', target: id } },
        }),
      agent,
      'operator_not_found',
    );
    const byEmail = (email: string) =>
      jelou(h, 'POST', `${theirBase()}/conversations/start`, {
        ws: h.other,
        body: { botId: h.other.botId, userId: theirs.personId, assignment: { type: 'operator', target: email } },
      });
    const foreign = jelouError(await byEmail(`${agent}@example.com`), 404, 'operator_not_found');
    const unknown = jelouError(await byEmail(`${newId()}@example.com`), 404, 'operator_not_found');
    assert.equal(foreign.error.description.replace(ID, 'ID'), unknown.error.description.replace(ID, 'ID'));
  });

  test("close with this workspace's bot or person → 404", async () => {
    await looksUnknown(
      (id) => jelou(h, 'POST', `${theirBase()}/conversations/close`, { ws: h.other, body: { botId: id, userId: theirs.personId } }),
      h.ws.botId,
      'bot_not_found',
    );
    await looksUnknown(
      (id) => jelou(h, 'POST', `${theirBase()}/conversations/close`, { ws: h.other, body: { botId: h.other.botId, userId: id } }),
      mine.personId,
      'user_not_found',
    );
    assert.equal((await sessionsOf(h, mine.conversationId)).filter((s) => s.state === 'active').length, 1);
  });

  test("a referenceId resolves inside the bot's own workspace only", async () => {
    await h.store.db.updateTable('people').set({ reference_id: 'SHARED-REF' }).where('id', '=', mine.personId).execute();
    jelouError(
      await jelou(h, 'POST', `${theirBase()}/conversations/start`, { ws: h.other, body: { botId: h.other.botId, userId: 'SHARED-REF' } }),
      404,
      'user_not_found',
    );
    await h.store.db.updateTable('people').set({ reference_id: 'SHARED-REF' }).where('id', '=', theirs.personId).execute();
    const res = await jelou(h, 'POST', `${theirBase()}/conversations/start`, { ws: h.other, body: { botId: h.other.botId, userId: 'SHARED-REF' } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.data.User.id, theirs.personId);
    assert.equal(res.json.data.roomId, theirs.conversationId);
  });

  test("a queue target that is this workspace's role id is only a name over there", async () => {
    const myRole = await makeRole(h, h.ws.workspaceId, 'Somente meu');
    const fresh = await inbound(h, { ws: h.other, phone: '5511900000003' });
    const res = await jelou(h, 'POST', `${theirBase()}/conversations/start`, {
      ws: h.other,
      body: { botId: h.other.botId, userId: fresh.personId, assignment: { type: 'queue', target: myRole } },
    });
    assert.equal(res.status, 200, res.body);
    const c = await h.store.db.selectFrom('conversations').select('role_id').where('id', '=', fresh.conversationId).executeTakeFirstOrThrow();
    assert.notEqual(c.role_id, myRole);
    const role = await h.store.db.selectFrom('roles').selectAll().where('id', '=', c.role_id!).executeTakeFirstOrThrow();
    assert.equal(role.workspace_id, h.other.workspaceId);
  });
});
