import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, inbound, type Harness } from '../helpers/harness.ts';
import { juri } from '../helpers/jurichat.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { anyDeliveryDue } from '../../src/events/delivery-claims.ts';
import { sendDueScheduledMessages } from '../../src/domain/scheduled-messages.ts';

// What an idle poll asks before it opens a transaction: whether anything is due at all.
let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  h = await startHarness();
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
  await h?.close();
});

test('a delivery is due once its time comes, and not while another dispatcher holds its lease', async () => {
  const start = Date.now();
  assert.equal(await anyDeliveryDue(h.store.db, start), false, 'an empty outbox has nothing due');
  const hook = await juri(h, 'POST', '/webhooks', { body: { name: 'due', url: receiver.url, events: ['chat.message.created'] } });
  assert.ok(hook.status < 300, hook.body);
  await inbound(h, { text: 'Olá' });
  const later = Date.now() + 1;
  assert.equal(await anyDeliveryDue(h.store.db, start - 60_000), false, 'not due before it was written');
  assert.equal(await anyDeliveryDue(h.store.db, later), true);
  await h.store.db
    .updateTable('deliveries')
    .set({ locked_until: later + 5_000 })
    .execute();
  assert.equal(await anyDeliveryDue(h.store.db, later), false, 'leased to a dispatcher');
  assert.equal(await anyDeliveryDue(h.store.db, later + 5_001), true, 'its lease ran out');
  await h.store.db.updateTable('deliveries').set({ status: 'SUCCESS', locked_until: null }).execute();
  assert.equal(await anyDeliveryDue(h.store.db, later + 5_001), false, 'finished deliveries are not due');
});

test('the scheduler sends nothing and opens no transaction when nothing is due', async () => {
  let transactions = 0;
  const transact: typeof h.ctx.transact = (work, options) => {
    transactions++;
    return h.ctx.transact(work, options);
  };
  const ctx = { ...h.ctx, transact };
  assert.equal(await sendDueScheduledMessages(ctx, Date.now()), 0);
  assert.equal(transactions, 0);
});
