import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { eventsOf } from '../helpers/fixtures.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('create, list, patch; the documented shape field by field', async () => {
  const res = await juri(h, 'POST', '/tag/', { body: { name: 'VIP', color: '#00FF00', inboxId: h.ws.inboxId, modules: ['conversas', 'tickets'] } });
  assert.equal(res.status, 200, res.body);
  const t = res.json;
  assert.deepEqual(Object.keys(t).sort(), ['color', 'createdAt', 'id', 'inboxId', 'modules', 'name', 'officeId', 'updatedAt']);
  assert.equal(t.officeId, h.ws.workspaceId);
  assert.deepEqual(t.modules, ['conversas', 'tickets']);
  const list = await juri(h, 'GET', '/tag', { query: { inboxId: h.ws.inboxId } });
  assert.ok(Array.isArray(list.json));
  assert.deepEqual(
    list.json.find((x: { id: string }) => x.id === t.id),
    t,
  );
  const patched = await juri(h, 'PATCH', `/tag/${t.id}`, { body: { color: '#000000' } });
  assert.equal(patched.json.color, '#000000');
  assert.equal(patched.json.name, 'VIP');
});

test('deleting a tag removes it from every conversation, which reports conversation.updated', async () => {
  const t = (await juri(h, 'POST', '/tag/', { body: { name: 'temporária', color: '#111111', inboxId: h.ws.inboxId, modules: ['conversas'] } })).json;
  const { conversationId } = await inbound(h);
  await juri(h, 'PATCH', `/conversation/${conversationId}`, { body: { tags: [t.id] } });
  assert.deepEqual(
    (await juri(h, 'GET', `/conversation/${conversationId}`)).json.data.tags.map((x: { id: string }) => x.id),
    [t.id],
  );
  assert.deepEqual((await juri(h, 'DELETE', `/tag/${t.id}`)).json, { success: true });
  assert.deepEqual((await juri(h, 'GET', `/conversation/${conversationId}`)).json.data.tags, []);
  const updates = (await eventsOf(h, conversationId)).filter((e) => e.type === 'conversation.updated');
  assert.deepEqual(
    updates.map((e) => e.payload.changes),
    [['tags'], ['tags']],
  );
  assert.equal((await juri(h, 'DELETE', `/tag/${t.id}`)).status, 404);
});

test('refused: all four fields required, bad modules, duplicate name 409, unknown inbox 404, other workspace 404', async () => {
  assert.match(fastifyError(await juri(h, 'POST', '/tag/', { body: { name: 'x', color: '#fff', inboxId: h.ws.inboxId } }), 400), /modules: Required/);
  assert.match(fastifyError(await juri(h, 'POST', '/tag/', { body: { name: 'x', color: '#fff', inboxId: h.ws.inboxId, modules: [] } }), 400), /modules/);
  assert.match(
    fastifyError(await juri(h, 'POST', '/tag/', { body: { name: 'x', color: '#fff', inboxId: h.ws.inboxId, modules: ['crm', 'blog'] } }), 400),
    /modules/,
  );
  await juri(h, 'POST', '/tag/', { body: { name: 'único', color: '#fff', inboxId: h.ws.inboxId, modules: ['crm'] } });
  assert.match(fastifyError(await juri(h, 'POST', '/tag/', { body: { name: 'único', color: '#000', inboxId: h.ws.inboxId, modules: ['crm'] } }), 409), /único/);
  assert.match(fastifyError(await juri(h, 'POST', '/tag/', { body: { name: 'y', color: '#fff', inboxId: newId(), modules: ['crm'] } }), 404), /Inbox/);
  assert.match(fastifyError(await juri(h, 'GET', '/tag'), 400), /inboxId: Required/);
  const mine = (await juri(h, 'POST', '/tag/', { body: { name: 'minha', color: '#fff', inboxId: h.ws.inboxId, modules: ['crm'] } })).json.id;
  assert.equal((await juri(h, 'GET', '/tag', { key: h.other.apiKey, query: { inboxId: h.ws.inboxId } })).status, 404);
  assert.equal((await juri(h, 'PATCH', `/tag/${mine}`, { key: h.other.apiKey, body: { color: '#000' } })).status, 404);
  assert.equal((await juri(h, 'DELETE', `/tag/${mine}`, { key: h.other.apiKey })).status, 404);
  assert.equal(
    (await juri(h, 'POST', '/tag/', { key: h.other.apiKey, body: { name: 'z', color: '#fff', inboxId: h.ws.inboxId, modules: ['crm'] } })).status,
    404,
  );
  const { conversationId } = await inbound(h, { ws: h.other });
  assert.equal(
    (await juri(h, 'PATCH', `/conversation/${conversationId}`, { key: h.other.apiKey, body: { tags: [mine] } })).status,
    400,
    'a tag of another workspace is unknown',
  );
});
