import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, assertKeys, assertPaginates, assertTimes, create, defaultKeyId, events, insertTag, listAll, ID } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const PERSON_KEYS = [
  'id',
  'inboxId',
  'name',
  'phoneNumber',
  'email',
  'imageUrl',
  'document',
  'description',
  'country',
  'city',
  'isBlocked',
  'referenceId',
  'tagIds',
  'createdAt',
  'updatedAt',
];

test('POST /people with only an inbox: every other field present and empty', async () => {
  const person = await create(h, 'people', { inboxId: h.ws.inboxId });
  assertKeys(person, PERSON_KEYS);
  assert.match(person.id, ID);
  assert.equal(person.inboxId, h.ws.inboxId);
  for (const f of ['name', 'phoneNumber', 'email', 'imageUrl', 'document', 'description', 'country', 'city', 'referenceId']) assert.equal(person[f], null, f);
  assert.equal(person.isBlocked, false);
  assert.deepEqual(person.tagIds, []);
  assertTimes(person, 'createdAt', 'updatedAt');
  assert.deepEqual((await call(h, 'GET', `/api/v1/people/${person.id}`)).json, person);
});

test('POST /people with every field normalises the phone and emits contact.created with the person', async () => {
  const vip = await insertTag(h, h.ws.inboxId, 'VIP');
  const lead = await insertTag(h, h.ws.inboxId, 'Lead');
  const person = await create(h, 'people', {
    inboxId: h.ws.inboxId,
    name: 'José da Silva',
    phoneNumber: '+55 (11) 98888-7777',
    email: 'jose@example.com',
    imageUrl: 'https://cdn.example.com/jose.jpg',
    document: '123.456.789-00',
    description: 'Cliente desde 2020',
    country: 'BR',
    city: 'São Paulo',
    isBlocked: true,
    referenceId: 'crm-42',
    tagIds: [vip, lead, vip],
  });
  assertKeys(person, PERSON_KEYS);
  assert.equal(person.phoneNumber, '5511988887777');
  assert.equal(person.name, 'José da Silva');
  assert.equal(person.email, 'jose@example.com');
  assert.equal(person.imageUrl, 'https://cdn.example.com/jose.jpg');
  assert.equal(person.document, '123.456.789-00');
  assert.equal(person.description, 'Cliente desde 2020');
  assert.equal(person.country, 'BR');
  assert.equal(person.city, 'São Paulo');
  assert.equal(person.isBlocked, true);
  assert.equal(person.referenceId, 'crm-42');
  assert.deepEqual(person.tagIds, [vip, lead].sort());
  assert.deepEqual((await call(h, 'GET', `/api/v1/people/${person.id}`)).json, person);

  const event = (await events(h, 'contact.created')).find((e) => e.payload.person.id === person.id);
  assert.ok(event, 'contact.created was written');
  assert.equal(event.type, 'contact.created');
  assert.equal(event.conversationId, null);
  assert.equal(event.payload.person.phoneNumber, '5511988887777');
  assert.equal(event.payload.person.inboxId, h.ws.inboxId);
  assert.deepEqual(event.payload.person.tagIds, person.tagIds);
  assert.deepEqual(event.payload.person.tags.map((t: { name: string }) => t.name).sort(), ['Lead', 'VIP']);
  assert.ok(event.payload.person.tags.every((t: Record<string, unknown>) => typeof t.id === 'string' && typeof t.color === 'string'));
  assert.equal(event.payload.person.createdAt, Date.parse(person.createdAt));
  assert.deepEqual(event.payload.actor, { type: 'api_key', id: await defaultKeyId(h) });
});

test('PATCH /people/{id} changes fields, replaces tags and emits contact.updated; a no-op emits nothing', async () => {
  const tag = await insertTag(h, h.ws.inboxId, 'Patch tag');
  const person = await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Before', city: 'Recife', tagIds: [tag] });
  const patched = await call(h, 'PATCH', `/api/v1/people/${person.id}`, {
    body: { name: 'After', city: null, isBlocked: true, tagIds: [], phoneNumber: '11 3333-4444' },
  });
  assert.equal(patched.status, 200, patched.body);
  assertKeys(patched.json, PERSON_KEYS);
  assert.equal(patched.json.name, 'After');
  assert.equal(patched.json.city, null);
  assert.equal(patched.json.isBlocked, true);
  assert.deepEqual(patched.json.tagIds, []);
  assert.equal(patched.json.phoneNumber, '1133334444');
  assert.equal(patched.json.createdAt, person.createdAt);
  assert.deepEqual((await call(h, 'GET', `/api/v1/people/${person.id}`)).json, patched.json);

  const updates = (await events(h, 'contact.updated')).filter((e) => e.payload.person.id === person.id);
  assert.equal(updates.length, 1);
  assert.equal(updates[0].payload.person.name, 'After');
  assert.equal(updates[0].payload.actor.type, 'api_key');

  const noop = await call(h, 'PATCH', `/api/v1/people/${person.id}`, { body: { name: 'After', tagIds: [] } });
  assert.deepEqual(noop.json, patched.json);
  assert.equal((await events(h, 'contact.updated')).filter((e) => e.payload.person.id === person.id).length, 1);
});

test('renaming a person or changing the phone updates how their conversation is found', async () => {
  const { personId, conversationId } = await inbound(h, { phone: '5511955554444', name: 'Maria Antiga' });
  const found = async (search: string) =>
    (await call(h, 'GET', '/api/v1/conversations', { query: { search } })).json.data.some((c: { id: string }) => c.id === conversationId);
  assert.ok(await found('antiga'));
  assert.equal((await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { name: 'Márcia Nova' } })).status, 200);
  assert.ok(await found('marcia nova'), 'found by the new name, accent-insensitively');
  assert.ok(!(await found('antiga')), 'no longer by the old one');
  assert.equal((await call(h, 'PATCH', `/api/v1/people/${personId}`, { body: { phoneNumber: '5511955550000' } })).status, 200);
  assert.ok(await found('5511955550000'));
  assert.ok(!(await found('5511955554444')));
  assert.equal((await listAll(h, 'people', { query: { search: 'márcia' } }))[0]?.id, personId);
});

test('GET /people filters by inbox, search, phone, referenceId, blocked and tag', async () => {
  const inbox = await create(h, 'inboxes', { name: 'People filter inbox' });
  const tag = await insertTag(h, inbox.id, 'Filter tag');
  const a = await create(h, 'people', { inboxId: inbox.id, name: 'Ângela Filtro', phoneNumber: '5521911112222', referenceId: 'ref-a', tagIds: [tag] });
  const b = await create(h, 'people', { inboxId: inbox.id, name: 'Bruno Filtro', phoneNumber: '5521933334444', isBlocked: true });
  const ids = async (query: Record<string, string>) => (await listAll(h, 'people', { query: { inboxId: inbox.id, ...query } })).map((p) => p.id);
  assert.deepEqual(await ids({}), [a.id, b.id]);
  assert.deepEqual(await ids({ search: 'angela' }), [a.id]);
  assert.deepEqual(await ids({ search: '3333' }), [b.id]);
  assert.deepEqual(await ids({ search: 'FILTRO' }), [a.id, b.id]);
  assert.deepEqual(await ids({ phoneNumber: '+55 21 91111-2222' }), [a.id]);
  assert.deepEqual(await ids({ phoneNumber: '12' }), []);
  assert.deepEqual(await ids({ referenceId: 'ref-a' }), [a.id]);
  assert.deepEqual(await ids({ isBlocked: 'true' }), [b.id]);
  assert.deepEqual(await ids({ isBlocked: 'false' }), [a.id]);
  assert.deepEqual(await ids({ tagId: tag }), [a.id]);
  assert.deepEqual(await ids({ search: '_' }), []);
});

test('DELETE /people/{id} answers 204, emits contact.deleted and frees the phone number', async () => {
  const person = await create(h, 'people', { inboxId: h.ws.inboxId, name: 'Leaving', phoneNumber: '5511922221111' });
  const deleted = await call(h, 'DELETE', `/api/v1/people/${person.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, '');
  assertError(await call(h, 'GET', `/api/v1/people/${person.id}`), 404, { reason: 'person_not_found' });
  assertError(await call(h, 'PATCH', `/api/v1/people/${person.id}`, { body: { name: 'x' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/people/${person.id}`), 404);
  assert.ok(!(await listAll(h, 'people')).some((p) => p.id === person.id));
  const event = (await events(h, 'contact.deleted')).find((e) => e.payload.person.id === person.id);
  assert.ok(event);
  assert.equal(event.payload.person.name, 'Leaving');
  assert.equal(event.payload.actor.type, 'api_key');
  const again = await create(h, 'people', { inboxId: h.ws.inboxId, phoneNumber: '5511922221111' });
  assert.notEqual(again.id, person.id);
});

test('the same phone number may exist once in each inbox', async () => {
  const inbox = await create(h, 'inboxes', { name: 'Other people inbox' });
  await create(h, 'people', { inboxId: h.ws.inboxId, phoneNumber: '5511900001111' });
  await create(h, 'people', { inboxId: inbox.id, phoneNumber: '5511900001111' });
});

test('Idempotency-Key on POST /people replays the first answer and emits one event', async () => {
  const body = { inboxId: h.ws.inboxId, name: 'Idem', phoneNumber: '5511977770000' };
  const headers = { 'idempotency-key': 'person-1' };
  const first = await call(h, 'POST', '/api/v1/people', { body, headers });
  const replay = await call(h, 'POST', '/api/v1/people', { body, headers });
  assert.equal(first.status, 201, first.body);
  assert.equal(replay.status, 201);
  assert.equal(replay.body, first.body);
  assertError(await call(h, 'POST', '/api/v1/people', { body: { ...body, name: 'Other' }, headers }), 409, { reason: 'idempotency_key_reused' });
  assert.equal((await events(h, 'contact.created')).filter((e) => e.payload.person.phoneNumber === '5511977770000').length, 1);
});

test('GET /people pages by id', async () => {
  await assertPaginates(h, 'people', 8);
});
