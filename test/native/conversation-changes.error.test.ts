import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { assertError, assertRefusesBadBodies, create, events, UNKNOWN_ID } from '../helpers/resources.ts';

let h: Harness;
let conversationId: string;
before(async () => {
  h = await startHarness();
  conversationId = (await inbound(h)).conversationId;
});
after(async () => {
  await h?.close();
});

test('PATCH /conversations/{id} refuses malformed JSON, unknown fields (status is not changed here), empty and wrong-typed bodies', async () => {
  await assertRefusesBadBodies(h, 'PATCH', `conversations/${conversationId}`, { isFixed: true });
  for (const body of [
    {},
    { isFixed: 'yes' },
    { priority: 'URGENT' },
    { tagIds: 'x' },
    { tagIds: ['not-an-id'] },
    { status: 'ACTIVE' },
    { tagIds: [UNKNOWN_ID, UNKNOWN_ID] },
  ]) {
    assertError(await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body }), 400, { code: 'validation_failed' });
  }
});

test('an unknown tag, or a tag of another inbox, is 400 naming the tag and the field; nothing changes or is emitted', async () => {
  const otherInbox = (await create(h, 'inboxes', { name: 'Outra' })).id;
  const elsewhere = await create(h, 'tags', { inboxId: otherInbox, name: 'Elsewhere', color: '#000000' });
  const good = await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Good', color: '#000000' });
  const before = (await events(h, 'conversation.updated')).length;
  for (const bad of [UNKNOWN_ID, elsewhere.id]) {
    const res = await call(h, 'PATCH', `/api/v1/conversations/${conversationId}`, { body: { tagIds: [good.id, bad], isFixed: true } });
    assertError(res, 400, { reason: 'unknown_tag' });
    assert.ok(res.json.error.message.includes(bad), res.body);
    assert.ok(!res.json.error.message.includes(good.id), 'only the unknown one is named');
    assert.ok(res.json.error.details.fields.tagIds, res.body);
  }
  const now = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.deepEqual(now.tagIds, []);
  assert.equal(now.isFixed, false);
  assert.equal((await events(h, 'conversation.updated')).length, before);
});

test('malformed conversation ids are 400 and unknown ones 404 on both routes', async () => {
  for (const [method, suffix, body] of [
    ['PATCH', '', { isFixed: true }],
    ['POST', '/unread', undefined],
  ] as const) {
    assertError(await call(h, method, `/api/v1/conversations/not-an-id${suffix}`, { body }), 400, { code: 'validation_failed' });
    assertError(await call(h, method, `/api/v1/conversations/${UNKNOWN_ID}${suffix}`, { body }), 404, { reason: 'conversation_not_found' });
  }
  assertError(await call(h, 'GET', '/api/v1/conversations', { query: { personId: 'nope' } }), 400, { code: 'validation_failed' });
  assert.deepEqual((await call(h, 'GET', '/api/v1/conversations', { query: { personId: UNKNOWN_ID } })).json.data, []);
});
