import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { juri, fastifyError } from '../helpers/jurichat.ts';
import { newId } from '../../src/domain/ids.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const PERSON_KEYS = [
  'city',
  'country',
  'createdAt',
  'description',
  'document',
  'email',
  'id',
  'imageUrl',
  'inboxId',
  'isBlocked',
  'name',
  'phoneNumber',
  'tags',
  'updatedAt',
];

test('list (all, then paged), filters, one person, patch with tags; shapes field by field', async () => {
  const a = await inbound(h, { phone: '5511970000001', name: 'José Conceição' });
  await inbound(h, { phone: '5511970000002', name: 'Maria Lima' });
  const tag = (await juri(h, 'POST', '/tag/', { body: { name: 'cliente', color: '#123456', inboxId: h.ws.inboxId, modules: ['pessoas'] } })).json;

  const all = await juri(h, 'GET', '/people/', { query: { inboxId: h.ws.inboxId } });
  assert.equal(all.status, 200, all.body);
  assert.equal(all.json.totalResults, 2);
  assert.equal(all.json.totalPages, 1);
  const item = all.json.data.find((p: { id: string }) => p.id === a.personId);
  assert.deepEqual(Object.keys(item).sort(), [...PERSON_KEYS, 'conversationId'].sort());
  assert.equal(item.conversationId, a.conversationId);
  assert.equal(item.phoneNumber, '5511970000001');
  assert.equal(item.isBlocked, false);
  assert.deepEqual(item.tags, []);

  const paged = await juri(h, 'GET', '/people/', { query: { inboxId: h.ws.inboxId, page: '2', limit: '1' } });
  assert.equal(paged.json.data.length, 1);
  assert.equal(paged.json.totalPages, 2);

  const patch = await juri(h, 'PATCH', `/people/${a.personId}`, {
    body: { inboxId: h.ws.inboxId, email: 'jose@example.com', city: 'Recife', tags: [tag.id], isBlocked: true },
  });
  assert.equal(patch.status, 200, patch.body);
  assert.equal(patch.body, '"Contato atualizado com sucesso"');

  const one = await juri(h, 'GET', `/people/${a.personId}`, { query: { inboxId: h.ws.inboxId } });
  assert.deepEqual(Object.keys(one.json).sort(), PERSON_KEYS);
  assert.equal(one.json.email, 'jose@example.com');
  assert.equal(one.json.city, 'Recife');
  assert.deepEqual(one.json.tags, [{ id: tag.id, name: 'cliente', color: '#123456' }]);

  const ids = async (query: Record<string, string | string[]>) =>
    (await juri(h, 'GET', '/people/', { query: { inboxId: h.ws.inboxId, ...query } })).json.data.map((p: { id: string }) => p.id);
  assert.deepEqual(await ids({ name: 'jose conceicao' }), [a.personId]);
  assert.deepEqual(await ids({ name: '70000001' }), [a.personId], 'digits also match the phone');
  assert.deepEqual(await ids({ email: 'JOSE@' }), [a.personId]);
  assert.deepEqual(await ids({ isBlocked: 'true' }), [a.personId]);
  assert.deepEqual(await ids({ tags: tag.id }), [a.personId]);
  assert.deepEqual(await ids({ tags: [newId(), tag.id] }), [a.personId]);
  assert.equal((await ids({ isBlocked: 'false' })).includes(a.personId), false);
});

test('refused: inboxId required everywhere, invalid email, person of another inbox or workspace is 404', async () => {
  const { personId } = await inbound(h, { phone: '5511970000003' });
  assert.equal(fastifyError(await juri(h, 'GET', '/people/'), 400), 'inboxId: Required');
  assert.equal(fastifyError(await juri(h, 'GET', `/people/${personId}`), 400), 'inboxId: Required');
  assert.match(fastifyError(await juri(h, 'PATCH', `/people/${personId}`, { body: { name: 'x' } }), 400), /inboxId: Required/);
  assert.match(fastifyError(await juri(h, 'PATCH', `/people/${personId}`, { body: { inboxId: h.ws.inboxId, email: 'not-an-email' } }), 400), /email/);
  assert.match(fastifyError(await juri(h, 'PATCH', `/people/${personId}`, { body: { inboxId: h.ws.inboxId, nickname: 'x' } }), 400), /nickname/);
  assert.match(fastifyError(await juri(h, 'GET', '/people/', { query: { inboxId: h.ws.inboxId, isBlocked: 'sometimes' } }), 400), /isBlocked/);
  const otherInbox = await juri(h, 'GET', `/people/${personId}`, { query: { inboxId: newId() } });
  assert.equal(otherInbox.status, 404);
  assert.equal((await juri(h, 'GET', `/people/${personId}`, { key: h.other.apiKey, query: { inboxId: h.other.inboxId } })).status, 404);
  assert.equal((await juri(h, 'GET', `/people/${newId()}`, { key: h.other.apiKey, query: { inboxId: h.other.inboxId } })).status, 404);
  assert.equal((await juri(h, 'PATCH', `/people/${personId}`, { key: h.other.apiKey, body: { inboxId: h.other.inboxId, name: 'intruso' } })).status, 404);
  assert.equal((await juri(h, 'GET', '/people/', { key: h.other.apiKey, query: { inboxId: h.ws.inboxId } })).status, 404);
});
