import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { makeUser, makeRole, eventsOf, sessionsOf } from '../helpers/fixtures.ts';
import { juri } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const FORMATTED = /^\d\d\/\d\d\/\d{4} \d\d:\d\d$/;

async function makeTag(name: string, color = '#FF0000') {
  const id = newId();
  const now = Date.now();
  await h.store.db
    .insertInto('tags')
    .values({ workspace_id: h.ws.workspaceId, id, inbox_id: h.ws.inboxId, name, color, modules: '["conversas"]', created_at: now, updated_at: now })
    .execute();
  return id;
}

describe('GET /conversation', () => {
  test('the documented list item, field by field', async () => {
    const { conversationId, personId } = await inbound(h, { phone: '5511910000001', name: 'Beatriz', text: 'preciso de ajuda' });
    const agent = await makeUser(h, undefined, 'Dr. Paulo');
    const role = await makeRole(h, undefined, 'Trabalhista');
    const tag = await makeTag('urgente');
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
    await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { roleId: role, tags: [tag], priority: 'HIGH' } });
    const sent = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'Olá, sou o Dr. Paulo' } });
    assert.equal(sent.status, 200, sent.body);

    const res = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, page: '1', limit: '100' } });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(Object.keys(res.json).sort(), ['data', 'totalPages', 'totalResults']);
    const item = res.json.data.find((c: { id: string }) => c.id === conversationId);
    assert.deepEqual(Object.keys(item).sort(), [
      'createdAt',
      'formattedDate',
      'group',
      'id',
      'inbox',
      'integration',
      'isArchived',
      'isFixed',
      'isGroup',
      'isPrivate',
      'lastMessage',
      'person',
      'priority',
      'responsables',
      'role',
      'status',
      'tags',
      'unreadCount',
      'updatedAt',
      'user',
    ]);
    assert.equal(item.status, 'ACTIVE');
    assert.equal(item.priority, 'HIGH');
    assert.deepEqual(item.responsables, [agent]);
    assert.deepEqual(item.person, { id: personId, name: 'Beatriz', imageUrl: null, phoneNumber: '5511910000001' });
    assert.equal(item.group, null);
    assert.deepEqual(item.user, { id: agent, name: 'Dr. Paulo', imageUrl: null });
    assert.deepEqual(item.role, { id: role, name: 'Trabalhista' });
    assert.deepEqual(item.tags, [{ id: tag, name: 'urgente', color: '#FF0000' }]);
    assert.deepEqual(item.inbox, { id: h.ws.inboxId, name: 'Inbox' });
    assert.deepEqual(item.integration, { id: h.ws.channelId, name: 'Sandbox' });
    assert.match(item.formattedDate, FORMATTED);
    assert.match(item.createdAt, ISO);
    assert.match(item.updatedAt, ISO);
    assert.equal(item.unreadCount, 1);
    assert.deepEqual(item.lastMessage, {
      id: sent.json.id,
      content: 'Olá, sou o Dr. Paulo',
      type: 'text',
      messageAt: sent.json.messageAt,
      userId: agent,
      userName: 'Dr. Paulo',
      isViewedBySameUserLastMessage: false,
    });
  });

  test('pinned first, then newest activity; string page/limit; exact totals across pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await inbound(h, { phone: `55119200000${i}0` })).conversationId);
    await juri(h, 'PATCH', `/conversation/${ids[0]}`, { body: { isFixed: true } });
    const first = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, page: '1', limit: '2' } });
    assert.equal(first.json.data[0].id, ids[0], 'the pinned conversation comes first');
    assert.equal(first.json.data[1].id, ids[4], 'then the newest activity');
    const total = first.json.totalResults;
    assert.equal(first.json.totalPages, Math.ceil(total / 2));
    const seen = new Set<string>();
    for (let page = 1; page <= first.json.totalPages; page++) {
      const res = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, page: String(page), limit: '2' } });
      assert.equal(res.json.totalResults, total);
      for (const c of res.json.data) seen.add(c.id);
    }
    assert.equal(seen.size, total);
    const beyond = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, page: '999', limit: '2' } });
    assert.deepEqual(beyond.json.data, []);
    assert.equal(beyond.json.totalResults, total);
  });

  test('filters: status, priority, userId, roleId, tagId (repeatable), search, integrationId, showGroups/onlyGroups, showOnlyUnread, onlyArchived', async () => {
    const { conversationId } = await inbound(h, { phone: '5521930000001', name: 'Cláudia Ávila' });
    const tag = await makeTag('filtro');
    await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { tags: [tag], priority: 'MEDIUM' } });
    const q = (extra: Record<string, string | string[]>) =>
      juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, limit: '100', ...extra } }).then((r) => {
        assert.equal(r.status, 200, r.body);
        return r.json.data.map((c: { id: string }) => c.id) as string[];
      });
    assert.ok((await q({ search: 'claudia avila' })).includes(conversationId));
    assert.ok((await q({ search: '930000' })).includes(conversationId));
    assert.ok((await q({ tagId: tag })).includes(conversationId));
    assert.ok((await q({ tagId: [tag, newId()] })).includes(conversationId));
    assert.deepEqual(await q({ tagId: newId() }), []);
    assert.ok((await q({ priority: 'MEDIUM' })).includes(conversationId));
    assert.ok(!(await q({ priority: 'HIGH' })).includes(conversationId));
    assert.ok((await q({ status: 'ROBOT_INTERACTIVE' })).includes(conversationId));
    assert.ok((await q({ integrationId: h.ws.channelId })).includes(conversationId));
    assert.ok((await q({ showOnlyUnread: 'true' })).includes(conversationId));
    assert.ok(!(await q({ onlyGroups: 'true' })).includes(conversationId));
    await juri(h, 'PATCH', `/conversation/${conversationId}/archive`, { body: { isArchived: true } });
    assert.ok(!(await q({})).includes(conversationId), 'archived ones are hidden by default');
    assert.ok((await q({ onlyArchived: 'true' })).includes(conversationId));
    const agent = await makeUser(h);
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
    assert.deepEqual(await q({ userId: agent, onlyArchived: 'true' }), [conversationId]);
  });

  test('groups: person null, group set; showGroups=false hides them', async () => {
    const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, {
      body: {
        from: { phone: '5511900009999', name: 'Tio' },
        group: { externalId: 'grp-1@g.us', name: 'Família Silva' },
        message: { type: 'text', text: 'oi' },
      },
    });
    const groupConversation = res.json.conversationId;
    const list = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, limit: '100' } });
    const item = list.json.data.find((c: { id: string }) => c.id === groupConversation);
    assert.equal(item.person, null);
    assert.equal(item.isGroup, true);
    assert.equal(item.group.name, 'Família Silva');
    assert.equal(item.group.externalId, 'grp-1@g.us');
    const hidden = await juri(h, 'GET', '/conversation', { query: { inboxId: h.ws.inboxId, limit: '100', showGroups: 'false' } });
    assert.ok(hidden.json.data.every((c: { isGroup: boolean }) => !c.isGroup));
    const detail = await juri(h, 'GET', `/conversation/${groupConversation}`);
    assert.equal(detail.json.data.participants[0].name, 'Tio');
    assert.equal(detail.json.data.messages[0].participantId, detail.json.data.participants[0].id, "a group member's message names its participant");
  });
});

describe('GET /conversation/{id}', () => {
  test('walking a 120-message conversation page by page returns every message exactly once', async () => {
    const phone = '5511920001200';
    const sent: string[] = [];
    for (let i = 0; i < 120; i++) sent.push((await inbound(h, { phone, text: `mensagem ${i}` })).messageId);
    const conversationId = (await inbound(h, { phone, text: 'mensagem 0', externalId: undefined })).conversationId;
    sent.push((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.lastMessageId);

    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await juri(h, 'GET', `/conversation/${conversationId}`, { query: { limit: '50', ...(cursor ? { cursor } : {}) } });
      assert.equal(res.status, 200, res.body);
      const ids = res.json.data.messages.map((m: { id: string }) => m.id);
      const times = res.json.data.messages.map((m: { messageAt: string }) => Date.parse(m.messageAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'each page is chronological',
      );
      pages.push(ids);
      if (!res.json.hasMore) {
        assert.equal('nextCursor' in res.json, false, 'nextCursor is absent when hasMore is false');
        break;
      }
      cursor = res.json.nextCursor;
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [50, 50, 21],
    );
    assert.deepEqual(pages.reverse().flat(), sent, 'newest page first; together every message once, in order');
  });

  test('the documented shape: participants, quoted messages, contacts, agents; notes are not in messages; reading changes nothing', async () => {
    const { conversationId, personId, messageId } = await inbound(h, { phone: '5511920005555', name: 'Rita', externalId: 'wamid.rita' });
    const agent = await makeUser(h, undefined, 'Dra. Lúcia');
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
    const reply = await juri(h, 'POST', '/conversation/send-message', { body: { conversationId, message: 'respondendo', quotedMessageId: messageId } });
    const _contact = await juri(h, 'POST', '/conversation/send-message', {
      body: { conversationId, type: 'contact', contactName: 'Cartório', contactPhoneNumber: '551133334444' },
    });
    await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: 'não aparece' } });
    const before = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;

    const res = await juri(h, 'GET', `/conversation/${conversationId}`);
    assert.equal(res.status, 200);
    const d = res.json.data;
    assert.deepEqual(Object.keys(d).sort(), [
      'createdAt',
      'group',
      'id',
      'inboxId',
      'isGroup',
      'messages',
      'participants',
      'person',
      'priority',
      'status',
      'tags',
      'updatedAt',
      'user',
    ]);
    assert.deepEqual(d.person, { id: personId, name: 'Rita', phoneNumber: '5511920005555', imageUrl: null });
    assert.deepEqual(d.user, { id: agent, name: 'Dra. Lúcia', imageUrl: null });
    assert.deepEqual(d.participants, [
      { id: personId, name: 'Rita', isAgent: false, isMember: true, imageUrl: null, phoneNumber: '5511920005555' },
      { id: agent, name: 'Dra. Lúcia', isAgent: true, isMember: true, imageUrl: null, phoneNumber: null },
    ]);
    assert.equal(d.messages.length, 3);
    const [inboundMsg, replyMsg, contactMsg] = d.messages;
    assert.deepEqual(Object.keys(inboundMsg).sort(), [
      'contact',
      'content',
      'direction',
      'errorMessage',
      'externalId',
      'externalStatus',
      'formattedDate',
      'id',
      'messageAt',
      'metadata',
      'participantId',
      'quotedMessage',
      'summary',
      'transcription',
      'type',
    ]);
    assert.equal(inboundMsg.participantId, null, 'the person of a 1:1 conversation has no participant id on messages');
    assert.equal(inboundMsg.externalId, 'wamid.rita');
    assert.deepEqual(replyMsg, reply.json);
    assert.equal(replyMsg.participantId, agent);
    assert.deepEqual(replyMsg.quotedMessage, { id: messageId, content: 'Olá', formattedDate: inboundMsg.formattedDate });
    assert.deepEqual(contactMsg.contact, { name: 'Cartório', phoneNumber: '551133334444' });
    assert.equal(d.isGroup, false);
    assert.equal(d.group, null);
    assert.equal(d.inboxId, h.ws.inboxId);
    assert.equal(res.json.hasMore, false);
    assert.deepEqual((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json, before, 'GET does not change the conversation');
  });
});

describe('writes', () => {
  test('POST /conversation creates once and then returns the same conversation, priority unchanged', async () => {
    const { personId } = await inbound(h, { phone: '5511920007777', name: 'Otávio' });
    const existing = (await call(h, 'GET', '/api/v1/conversations', { query: { search: '920007777' } })).json.data[0].id;
    const res = await juri(h, 'POST', '/conversation', { body: { personId, inboxId: h.ws.inboxId, integrationId: h.ws.channelId, priority: 'HIGH' } });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json, { conversation: { id: existing }, person: { id: personId, name: 'Otávio' } });
    assert.equal((await call(h, 'GET', `/api/v1/conversations/${existing}`)).json.priority, 'LOW');
  });

  test('POST /conversation for a person with no conversation opens one (INACTIVE, the given priority) with chat.conversation.created', async () => {
    const now = Date.now();
    const personId = newId();
    await h.store.db
      .insertInto('people')
      .values({
        workspace_id: h.ws.workspaceId,
        id: personId,
        inbox_id: h.ws.inboxId,
        name: 'Novo',
        phone_number: '5511920008888',
        email: null,
        image_url: null,
        document: null,
        description: null,
        country: null,
        city: null,
        is_blocked: 0,
        reference_id: null,
        search_text: 'novo 5511920008888',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    const res = await juri(h, 'POST', '/conversation', { body: { personId, inboxId: h.ws.inboxId, integrationId: h.ws.channelId, priority: 'MEDIUM' } });
    assert.equal(res.status, 200, res.body);
    const c = (await call(h, 'GET', `/api/v1/conversations/${res.json.conversation.id}`)).json;
    assert.equal(c.status, 'INACTIVE');
    assert.equal(c.priority, 'MEDIUM');
    assert.deepEqual(
      (await eventsOf(h, c.id)).map((e) => e.type),
      ['conversation.created'],
    );
  });

  test('PATCH and archive answer the JSON string and emit conversation.updated only when something changed', async () => {
    const { conversationId } = await inbound(h);
    const res = await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { isFixed: true, priority: 'HIGH' } });
    assert.equal(res.status, 200);
    assert.equal(res.body, '"Conversa atualizada com sucesso"');
    assert.match(String(res.headers['content-type']), /application\/json/);
    await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { isFixed: true } });
    const archive = await juri(h, 'PATCH', `/conversation/${conversationId}/archive`, { body: { isArchived: true } });
    assert.equal(archive.json, 'Conversa atualizada com sucesso');
    const updates = (await eventsOf(h, conversationId)).filter((e) => e.type === 'conversation.updated');
    assert.deepEqual(
      updates.map((e) => e.payload.changes),
      [['isFixed', 'priority'], ['isArchived']],
    );
    assert.equal(updates[0].payload.previousStatus, 'ROBOT_INTERACTIVE');
  });

  test('start-human-support (selected, then random) and end-human-support, idempotent, through the shared use cases', async () => {
    const { conversationId } = await inbound(h);
    const agent = await makeUser(h);
    const start = await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, selectedUserId: agent } });
    assert.deepEqual(start.json, { success: true });
    assert.deepEqual((await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, isRandom: true } })).json, { success: true });
    let c = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
    assert.equal(c.status, 'ACTIVE');
    assert.equal(c.assigneeUserId, agent, 'isRandom keeps the agent already attending');
    assert.equal((await sessionsOf(h, conversationId)).filter((s) => s.state === 'active').length, 1);
    const end = await juri(h, 'POST', '/conversation/end-human-support', { body: { conversationId } });
    assert.deepEqual(end.json, { success: true });
    assert.deepEqual((await juri(h, 'POST', '/conversation/end-human-support', { body: { conversationId } })).json, { success: true });
    c = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
    assert.equal(c.status, 'ROBOT_INTERACTIVE');
    const [session] = await sessionsOf(h, conversationId);
    assert.equal(session.state, 'closed');
    assert.equal(session.ended_reason, 'closed_by_operator');
    const random = await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, isRandom: true } });
    assert.equal(random.status, 200);
    assert.ok((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.assigneeUserId);
  });

  test('send-message: multipart text and file; the file is served back under PUBLIC_URL; clientMessageId makes it once', async () => {
    const { conversationId } = await inbound(h);
    await juri(h, 'POST', '/conversation/start-human-support', { body: { conversationId, isRandom: true } });
    const boundary = 'b0undary';
    const form = (fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }) =>
      Buffer.concat([
        ...Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
        ...(file
          ? [
              Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
              file.content,
              Buffer.from('\r\n'),
            ]
          : []),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
    const send = (payload: Buffer) =>
      h.app.inject({
        method: 'POST',
        url: '/conversation/send-message',
        payload,
        headers: { 'x-jurichat-api-key': h.ws.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    const text = await send(form({ conversationId, type: 'text', message: 'via multipart', clientMessageId: 'once' }));
    assert.equal(text.statusCode, 200, text.body);
    assert.equal(text.json().content, 'via multipart');
    const again = await send(form({ conversationId, type: 'text', message: 'via multipart', clientMessageId: 'once' }));
    assert.equal(again.json().id, text.json().id);
    const audio = Buffer.from('OggS fake audio');
    const media = await send(form({ conversationId, type: 'audio' }, { name: 'voz.ogg', type: 'audio/ogg', content: audio }));
    assert.equal(media.statusCode, 200, media.body);
    const url = new URL(media.json().content);
    assert.equal(url.origin, new URL(h.config.publicUrl).origin);
    const served = await h.app.inject({ method: 'GET', url: url.pathname });
    assert.deepEqual(served.rawPayload, audio);
    assert.equal(served.headers['content-type'], 'audio/ogg');
  });

  test('notes: created INTERNAL, listed newest first with their author', async () => {
    const { conversationId } = await inbound(h);
    const agent = await makeUser(h, undefined, 'Dra. Nota');
    const first = await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: 'primeira' } });
    assert.deepEqual(Object.keys(first.json).sort(), [
      'content',
      'conversationId',
      'direction',
      'externalId',
      'externalStatus',
      'id',
      'messageAt',
      'metadata',
      'type',
      'userId',
    ]);
    assert.equal(first.json.direction, 'INTERNAL');
    assert.equal(first.json.userId, null);
    await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: 'segunda', userId: agent } });
    const notes = await juri(h, 'GET', '/conversation/notes', { query: { conversationId } });
    assert.deepEqual(
      notes.json.map((n: { content: string }) => n.content),
      ['segunda', 'primeira'],
    );
    assert.deepEqual(notes.json[0].user, { id: agent, name: 'Dra. Nota', imageUrl: null });
    assert.equal(notes.json[1].user, null);
  });

  test('forward-message copies each message, in order, into each target with metadata.forwardedFrom', async () => {
    const source = await inbound(h, { phone: '5511920003333', text: 'um' });
    const second = await inbound(h, { phone: '5511920003333', text: 'dois' });
    const targets = [(await inbound(h)).conversationId, (await inbound(h)).conversationId];
    const res = await juri(h, 'POST', '/conversation/forward-message', { body: { conversationId: targets, messageId: [source.messageId, second.messageId] } });
    assert.deepEqual(res.json, { success: true });
    for (const target of targets) {
      const messages = (await juri(h, 'GET', `/conversation/${target}`)).json.data.messages.slice(-2);
      assert.deepEqual(
        messages.map((m: { content: string }) => m.content),
        ['um', 'dois'],
      );
      assert.deepEqual(
        messages.map((m: { metadata: { forwardedFrom: string } }) => m.metadata.forwardedFrom),
        [source.messageId, second.messageId],
      );
      assert.ok(messages.every((m: { direction: string }) => m.direction === 'OUTBOUND'));
    }
  });
});
