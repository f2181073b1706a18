import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, inbound, engineBanner, ENGINE, type Harness } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { juri } from '../helpers/jurichat.ts';
import { openStore, type Store } from '../../src/db/connect.ts';
import { Dispatcher, retryDeliveryNow } from '../../src/events/dispatcher.ts';
import { LISTENER_APPLICATION_NAME } from '../../src/db/outbox-signal.ts';
import { waitFor } from '../helpers/wait.ts';

// Two serve processes on one PostgreSQL database, as two stores: deliveries one commits reach the
// other's idle dispatcher through LISTEN/NOTIFY, not through polling.
const postgresOnly = ENGINE === 'postgres' ? false : 'the outbox signal is PostgreSQL’s (SQLite dispatchers poll)';
const silent = { debug() {}, warn() {}, error() {} };

let h: Harness;
let other: Store;
let closedOther = false;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

before(async () => {
  console.log(`outbox signal tests on ${engineBanner()}`);
  h = await startHarness();
  receiver = await startReceiver();
  if (ENGINE === 'postgres') other = openStore(h.url, { poolSize: 2 });
});
after(async () => {
  if (!closedOther) await other?.close();
  await receiver.close();
  await h.close();
});

function dispatcherOf(store: Store, signalledPollMs: number): Dispatcher {
  return new Dispatcher({
    db: store.db,
    engine: store.engine,
    transact: store.transact,
    webhookFormats: h.ctx.webhookFormats,
    config: { allowPrivateWebhooks: true },
    logger: silent,
    signal: store.outboxSignal,
    signalledPollMs,
  });
}

test('SQLite stores have no outbox signal: their dispatchers poll', { skip: ENGINE === 'sqlite' ? false : 'SQLite only' }, () => {
  assert.equal(h.store.outboxSignal, null);
});

test("another process's commit wakes an idle dispatcher at once, which would otherwise wait a minute", { skip: postgresOnly }, async () => {
  const events = (await juri(h, 'GET', '/webhooks/events')).json;
  const created = await juri(h, 'POST', '/webhooks', { body: { name: 'signal', url: receiver.url, events: Array.isArray(events) ? events : events.data } });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const dispatcher = dispatcherOf(other, 60_000);
  dispatcher.start();
  try {
    assert.ok(await waitFor(() => other.outboxSignal!.listening, 5_000), 'the second store listens');
    // Let the first (empty) claim pass: the dispatcher is now in its long, signal-ended sleep.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await inbound(h, { phone: '+5511900000001', text: 'first' });
    assert.ok(await waitFor(() => receiver.received.length >= 1, 5_000), 'delivered long before the 60 s poll');
    await inbound(h, { phone: '+5511900000001', text: 'second' });
    assert.ok(await waitFor(() => receiver.received.length >= 2, 5_000), 'and again for the next commit');
  } finally {
    await dispatcher.stop();
  }
});

test("a conversation's queued deliveries go out one after another without waiting for the next poll", { skip: postgresOnly }, async () => {
  // Written while no dispatcher runs: each waits for the one before it to be recorded.
  const before = receiver.received.length;
  for (const text of ['one', 'two', 'three']) await inbound(h, { phone: '+5511900000009', text });
  // Let their NOTIFYs pass first: only the deliveries' own progress may drive what follows.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(receiver.received.length, before, 'nothing sent yet');
  const dispatcher = dispatcherOf(other, 60_000);
  dispatcher.start();
  try {
    assert.ok(await waitFor(() => receiver.received.length >= before + 3, 5_000), 'each next delivery is claimed once the one before it is recorded');
  } finally {
    await dispatcher.stop();
  }
});

test('a dispatcher whose LISTEN connection is gone polls again, and listens again when it is back', { skip: postgresOnly }, async () => {
  const dispatcher = dispatcherOf(other, 60_000);
  dispatcher.start();
  try {
    assert.ok(await waitFor(() => other.outboxSignal!.listening, 5_000));
    const before = receiver.received.length;
    // Cut the listening connection from the server side, as a failover or an idle timeout would.
    const { rows } = await sql<{ ok: boolean }>`select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`.execute(h.store.db);
    assert.deepEqual(rows, [{ ok: true }]);
    await inbound(h, { phone: '+5511900000002', text: 'while reconnecting' });
    assert.ok(await waitFor(() => receiver.received.length > before, 5_000), 'delivered while the signal was down');
    assert.ok(await waitFor(() => other.outboxSignal!.listening, 5_000), 'listening again');
    await inbound(h, { phone: '+5511900000002', text: 'after' });
    assert.ok(await waitFor(() => receiver.received.length > before + 1, 5_000));
  } finally {
    await dispatcher.stop();
  }
});

test('a delivery retried in another process is sent at once by an idle dispatcher', { skip: postgresOnly }, async () => {
  const dispatcher = dispatcherOf(other, 60_000);
  dispatcher.start();
  try {
    assert.ok(await waitFor(() => other.outboxSignal!.listening, 5_000));
    const sent = receiver.received.length;
    await inbound(h, { phone: '+5511900000004', text: 'to fail' });
    assert.ok(await waitFor(() => receiver.received.length > sent, 5_000));
    // Its delivery is made FAILED by hand, as five refused attempts would leave it.
    const last = await h.store.db
      .selectFrom('deliveries')
      .select(['id', 'workspace_id'])
      .where('status', '=', 'SUCCESS')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    await h.store.db.updateTable('deliveries').set({ status: 'FAILED' }).where('id', '=', last.id).execute();
    // Let the dispatcher settle into its 60-s sleep.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = receiver.received.length;
    await retryDeliveryNow(h.store, last.workspace_id, last.id);
    assert.ok(await waitFor(() => receiver.received.length > before, 5_000), 'sent long before the 60 s poll');
  } finally {
    await dispatcher.stop();
  }
});

test('of two listening processes one dispatches and the other stands by; when the first stops, the second takes over', { skip: postgresOnly }, async () => {
  const third = openStore(h.url, { poolSize: 2 });
  const first = dispatcherOf(other, 60_000);
  const standby = dispatcherOf(third, 60_000);
  first.start();
  standby.start();
  try {
    assert.ok(await waitFor(() => other.outboxSignal!.listening && third.outboxSignal!.listening, 5_000));
    assert.equal(other.outboxSignal!.leading, true, 'the process listening first leads');
    assert.equal(third.outboxSignal!.leading, false);
    const before = receiver.received.length;
    await inbound(h, { phone: '+5511900000003', text: 'to the leader' });
    assert.ok(await waitFor(() => receiver.received.length > before, 5_000));

    await first.stop();
    await other.close();
    closedOther = true;
    assert.ok(await waitFor(() => third.outboxSignal!.leading, 5_000), 'the standby takes the lead');
    const afterTakeover = receiver.received.length;
    await inbound(h, { phone: '+5511900000003', text: 'to the new leader' });
    assert.ok(await waitFor(() => receiver.received.length > afterTakeover, 5_000));
  } finally {
    await standby.stop();
    await third.close();
  }
});
