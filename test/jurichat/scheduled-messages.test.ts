import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, call, ENGINE, type Harness } from '../helpers/harness.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { sendDueScheduledMessages } from '../../src/domain/scheduled-messages.ts';
import { openStore } from '../../src/db/connect.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('scheduled messages', () => {
  test('create, list with its conversation, update, cancel; only PENDING ones change', async () => {
    const { conversationId, personId } = await inbound(h, { phone: '5511960000001', name: 'Agenda' });
    const agent = await makeUser(h);
    const created = await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'lembrete', scheduledAt: inAnHour(), userId: agent } });
    assert.equal(created.status, 200, created.body);
    const s = created.json.data;
    assert.deepEqual(Object.keys(s).sort(), [
      'content',
      'conversationId',
      'createdAt',
      'id',
      'metadata',
      'scheduledAt',
      'sentAt',
      'status',
      'type',
      'updatedAt',
      'userId',
    ]);
    assert.equal(s.status, 'PENDING');
    assert.equal(s.type, 'text');
    assert.equal(s.content, 'lembrete');
    assert.equal(s.userId, agent);
    assert.equal(s.sentAt, null);
    assert.match(s.scheduledAt, ISO);

    const list = await juri(h, 'GET', '/scheduled-message', { query: { conversationId, page: '1', limit: '10' } });
    assert.equal(list.json.totalResults, 1);
    assert.equal(list.json.totalPages, 1);
    assert.deepEqual(list.json.data[0].conversation, {
      id: conversationId,
      person: { id: personId, name: 'Agenda', phoneNumber: '5511960000001' },
      group: null,
    });
    assert.equal((await juri(h, 'GET', '/scheduled-message', { query: { inboxId: h.ws.inboxId, status: 'SENT' } })).json.totalResults, 0);

    const later = new Date(Date.now() + 7200_000).toISOString();
    const updated = await juri(h, 'PATCH', `/scheduled-message/${s.id}`, { body: { message: 'lembrete 2', scheduledAt: later } });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(updated.json.data.content, 'lembrete 2');
    assert.equal(updated.json.data.scheduledAt, later);
    const cancelled = await juri(h, 'PATCH', `/scheduled-message/${s.id}`, { body: { status: 'CANCELLED' } });
    assert.equal(cancelled.json.data.status, 'CANCELLED');
    assert.match(fastifyError(await juri(h, 'PATCH', `/scheduled-message/${s.id}`, { body: { message: 'x' } }), 409), /CANCELLED/);
  });

  test('the scheduler sends a due message once, through the send path, without the human-support rule', async () => {
    const { conversationId } = await inbound(h, { phone: '5511960000002' });
    const created = await juri(h, 'POST', '/scheduled-message', {
      body: { conversationId, message: 'agora', scheduledAt: new Date(Date.now() + 1000).toISOString() },
    });
    const id = created.json.data.id;
    assert.equal(await sendDueScheduledMessages(h.ctx, Date.now()), 0, 'not due yet');
    const due = Date.now() + 2000;
    await sendDueScheduledMessages(h.ctx, due);
    await sendDueScheduledMessages(h.ctx, due);
    const after = (await juri(h, 'GET', '/scheduled-message', { query: { conversationId } })).json.data[0];
    assert.equal(after.status, 'SENT');
    assert.match(after.sentAt, ISO);
    const messages = (await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`)).json.data;
    const sent = messages.filter((m: { content: string }) => m.content === 'agora');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].direction, 'OUTBOUND');
    assert.equal(sent[0].externalStatus, 'sent');
    assert.equal(sent[0].metadata.scheduledMessageId, id);
    assert.match(fastifyError(await juri(h, 'PATCH', `/scheduled-message/${id}`, { body: { status: 'CANCELLED' } }), 409), /SENT/);
  });

  test('refused: past scheduledAt, missing fields, bad status, unknown ids, other workspace', async () => {
    const { conversationId } = await inbound(h, { phone: '5511960000003' });
    assert.match(
      fastifyError(
        await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'x', scheduledAt: new Date(Date.now() - 1000).toISOString() } }),
        400,
      ),
      /scheduledAt/,
    );
    assert.match(fastifyError(await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'x' } }), 400), /scheduledAt: Required/);
    assert.match(
      fastifyError(await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'x', scheduledAt: 'tomorrow' } }), 400),
      /scheduledAt/,
    );
    assert.match(
      fastifyError(await juri(h, 'POST', '/scheduled-message', { body: { conversationId: newId(), message: 'x', scheduledAt: inAnHour() } }), 404),
      /Conversation/,
    );
    assert.match(fastifyError(await juri(h, 'GET', '/scheduled-message', { query: { status: 'DONE' } }), 400), /status/);
    assert.match(fastifyError(await juri(h, 'GET', '/scheduled-message', { query: { limit: '101' } }), 400), /limit/);
    assert.match(fastifyError(await juri(h, 'PATCH', `/scheduled-message/${newId()}`, { body: { message: 'x' } }), 404), /Scheduled message/);
    const mine = (await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: 'meu', scheduledAt: inAnHour() } })).json.data.id;
    assert.equal((await juri(h, 'PATCH', `/scheduled-message/${mine}`, { key: h.other.apiKey, body: { status: 'CANCELLED' } })).status, 404);
    assert.equal(
      (await juri(h, 'POST', '/scheduled-message', { key: h.other.apiKey, body: { conversationId, message: 'x', scheduledAt: inAnHour() } })).status,
      404,
    );
    assert.equal((await juri(h, 'GET', '/scheduled-message', { key: h.other.apiKey, query: { conversationId } })).status, 404);
    const theirs = await juri(h, 'GET', '/scheduled-message', { key: h.other.apiKey });
    assert.ok(theirs.json.data.every((s: { id: string }) => s.id !== mine));
    assert.match(fastifyError(await juri(h, 'PATCH', `/scheduled-message/${mine}`, { body: { status: 'SENT' } }), 400), /status/);
  });

  test('two schedulers on one database send each due message exactly once', { skip: ENGINE !== 'postgres' && 'SQLite has one server process' }, async () => {
    const { conversationId } = await inbound(h, { phone: '5511960000004' });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        (await juri(h, 'POST', '/scheduled-message', { body: { conversationId, message: `lote ${i}`, scheduledAt: new Date(Date.now() + 500).toISOString() } }))
          .json.data.id,
      );
    }
    const second = openStore(h.url, { poolSize: 3 });
    const otherCtx = { ...h.ctx, db: second.db, transact: second.transact };
    try {
      const due = Date.now() + 1000;
      const run = async (ctx: typeof h.ctx) => {
        let n = 0;
        for (let i = 0; i < 10; i++) n += await sendDueScheduledMessages(ctx, due, 5);
        return n;
      };
      const [a, b] = await Promise.all([run(h.ctx), run(otherCtx)]);
      assert.equal(a + b, 30);
      assert.ok(a > 0 && b > 0, `both schedulers took some (${a}, ${b})`);
    } finally {
      await second.close();
    }
    const messages = (await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { limit: '200' } })).json.data;
    assert.equal(messages.filter((m: { content: string }) => m.content.startsWith('lote ')).length, 30);
  });
});
