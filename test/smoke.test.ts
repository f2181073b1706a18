import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from './helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('a sandbox inbound message can be read back', async () => {
  const ids = await inbound(h, { text: 'Olá mundo', externalId: 'wamid.1' });
  assert.equal(ids.duplicate, false);
  const again = await inbound(h, { text: 'Olá mundo', externalId: 'wamid.1', phone: undefined });
  const list = await call(h, 'GET', `/api/v1/conversations/${ids.conversationId}/messages`);
  assert.equal(list.status, 200, list.body);
  assert.equal(list.json.data[0].content, 'Olá mundo');
  assert.ok(again);
});
