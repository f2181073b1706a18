import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { create, events } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('PATCH /conversations/{id} pins, tags and sets the priority, answering the conversation; each change emits one conversation.updated', async () => {
  const { conversationId } = await inbound(h, { name: 'Pinned' });
  const vip = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'VIP', color: '#b42318' });
  const lead = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Lead', color: '#1d4ed8' });
  const before = (await events(h, 'conversation.updated')).length;

  const pinned = await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true } });
  assert.equal(pinned.status, 200, pinned.body);
  assert.equal(pinned.json.id, conversationId);
  assert.equal(pinned.json.isFixed, true);
  const tagged = await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { tagIds: [vip.id, lead.id], priority: 'HIGH' } });
  assert.equal(tagged.status, 200, tagged.body);
  assert.deepEqual(tagged.json.tagIds, [vip.id, lead.id].sort());
  assert.equal(tagged.json.priority, 'HIGH');
  assert.equal(tagged.json.isFixed, true, 'what was not sent stays');
  // GET adds the person summary (the list and get answers carry it; changes answer the conversation alone).
  const { person, ...read } = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(person.id, read.personId);
  assert.deepEqual(read, tagged.json, 'the answer is the conversation as GET shows it');

  const updates = (await events(h, 'conversation.updated')).slice(before);
  assert.equal(updates.length, 2);
  assert.deepEqual(updates[0].payload.changes, ['isFixed']);
  assert.deepEqual(updates[1].payload.changes.sort(), ['priority', 'tags']);
  assert.equal(updates[1].payload.previousStatus, read.status);

  const same = await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true } });
  assert.equal(same.status, 200);
  assert.equal((await events(h, 'conversation.updated')).length, before + 2, 'setting what is set emits nothing');

  const untagged = await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { tagIds: [lead.id], isFixed: false } });
  assert.deepEqual(untagged.json.tagIds, [lead.id]);
  assert.equal(untagged.json.isFixed, false);
});

test('the event feed shows the update with the conversation as the REST routes answer it', async () => {
  const { conversationId } = await inbound(h, { name: 'Feed' });
  await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { isFixed: true } });
  // On PostgreSQL the feed shows a transaction once every older one of the cluster has ended: poll for it.
  let mine: any[] = [];
  for (let i = 0; i < 100 && mine.length === 0; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const feed = await call(h, 'GET', '/api/v1/events', { query: { types: 'conversation.updated', limit: '200' } });
    mine = feed.json.data.filter((e: any) => e.conversationId === conversationId);
  }
  assert.equal(mine.length, 1);
  assert.equal(mine[0].payload.conversation.isFixed, true);
});

test('POST /conversations/{id}/unread makes unreadCount at least 1, and /read clears it again', async () => {
  const { conversationId } = await inbound(h, { name: 'Unread' });
  assert.equal((await call(h, 'POST', `/api/v1/conversations/${conversationId}/read`)).json.unreadCount, 0);
  const unread = await call(h, 'POST', `/api/v1/conversations/${conversationId}/unread`);
  assert.equal(unread.status, 200, unread.body);
  assert.equal(unread.json.id, conversationId);
  assert.equal(unread.json.unreadCount, 1);
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.unreadCount, 1);
  const listed = await call(h, 'GET', '/api/v1/conversations', { query: { showOnlyUnread: 'true' } });
  assert.ok(listed.json.data.some((c: any) => c.id === conversationId));

  await inbound(h, { name: 'Unread', phone: (await call(h, 'GET', `/api/v1/people/${unread.json.personId}`)).json.phoneNumber, text: 'again' });
  assert.equal((await call(h, 'POST', `/api/v1/conversations/${conversationId}/unread`)).json.unreadCount, 2, 'a count above 1 stays');
  assert.equal((await call(h, 'POST', `/api/v1/conversations/${conversationId}/read`)).json.unreadCount, 0);
});

test("an agent with their session pins, tags and marks unread the conversations they see; ?personId= lists one person's conversations", async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const first = await inbound(h, { name: 'Twice' });
  const phone = (await call(h, 'GET', `/api/v1/people/${first.personId}`)).json.phoneNumber;
  const secondInbox = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  const channel = (await create(h, 'channels', { inboxId: secondInbox, kind: 'sandbox', name: 'Vendas' })).id;
  const other = await call(h, 'POST', `/api/v1/channels/${channel}/inbound`, {
    body: { from: { phone, name: 'Twice' }, message: { type: 'text', text: 'Oi' } },
  });
  assert.equal(other.status, 200, other.body);

  assert.equal((await asSession(h, cookie, 'PATCH', `/api/v1/conversations/${first.conversationId}`, { body: { isFixed: true } })).json.isFixed, true);
  assert.equal((await asSession(h, cookie, 'POST', `/api/v1/conversations/${first.conversationId}/unread`)).json.unreadCount >= 1, true);
  const byPerson = await asSession(h, cookie, 'GET', `/api/v1/conversations?personId=${first.personId}`);
  assert.equal(byPerson.status, 200, byPerson.body);
  assert.deepEqual(
    byPerson.json.data.map((c: any) => c.id),
    [first.conversationId],
  );
  const otherPerson = other.json.personId as string;
  assert.notEqual(otherPerson, first.personId, 'people are per inbox');
  assert.deepEqual(
    (await call(h, 'GET', `/api/v1/conversations?personId=${otherPerson}`)).json.data.map((c: any) => c.id),
    [other.json.conversationId],
  );
});
