import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, call, inbound, ENGINE, type Harness } from '../helpers/harness.ts';
import { juri } from '../helpers/jurichat.ts';
import { base, jelou } from '../helpers/jelou.ts';
import { waitFor } from '../helpers/wait.ts';
import { POOL_APPLICATION_NAME } from '../../src/db/connect.ts';
import { isConnectionLost } from '../../src/db/connection-lost.ts';

// A PostgreSQL restart, failover, pg_terminate_backend or a proxy's idle timeout closes the
// server's connections under it: the process stays up, a request that was using one answers 503,
// and the pool opens new ones for what follows.
const postgresOnly = ENGINE === 'postgres' ? false : 'PostgreSQL: an embedded SQLite database has no connection to lose';

interface Warning {
  obj: { err?: { message: string; code?: string } };
  msg?: string;
}

let h: Harness;
const warnings: Warning[] = [];

before(async () => {
  h = await startHarness();
  h.store.logTo({ warn: (obj, msg) => warnings.push({ obj: obj as Warning['obj'], msg }) });
});
after(async () => {
  await h?.close();
});

/** The backends of this store's pool other than the one asking; each answers true once told to end. */
async function terminatePoolConnections(): Promise<number> {
  const { rows } = await sql<{ ok: boolean }>`select pg_terminate_backend(pid) as ok from pg_stat_activity
    where datname = current_database() and application_name = ${POOL_APPLICATION_NAME} and pid <> pg_backend_pid()`.execute(h.store.db);
  assert.ok(rows.every((r) => r.ok));
  return rows.length;
}

test('the errors of a lost connection are told from others', () => {
  for (const lost of [
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '57P03', message: 'the database system is starting up' },
    { code: '08006', message: 'connection failure' },
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 }),
  ]) {
    assert.ok(isConnectionLost(lost), JSON.stringify(lost) || String(lost));
  }
  for (const other of [{ code: '23505' }, { code: '53100' }, new Error('boom'), null, 'Connection terminated', { code: 'ECONNREFUSED' }]) {
    assert.ok(!isConnectionLost(other), String(other));
  }
});

test('idle pool connections ended by the server: each is reported once, the process stays up, the next queries open new ones', {
  skip: postgresOnly,
}, async () => {
  // Open several pooled connections at once, so that more than the asking one sits idle.
  const pids = await Promise.all(Array.from({ length: 4 }, () => sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(h.store.db)));
  assert.ok(new Set(pids.map((r) => r.rows[0]!.pid)).size > 1);
  const since = warnings.length;
  const ended = await terminatePoolConnections();
  assert.ok(ended >= 1);
  assert.ok(await waitFor(() => warnings.length >= since + ended, 5_000), `${ended} connection(s) ended, ${warnings.length - since} reported`);
  for (const w of warnings.slice(since)) {
    assert.equal(w.msg, 'a PostgreSQL connection closed; the pool opens another when needed');
    assert.ok(w.obj.err?.code === '57P01' || /terminated/.test(w.obj.err?.message ?? ''), JSON.stringify(w.obj));
  }
  const answers = await Promise.all(Array.from({ length: 4 }, () => sql<{ one: number }>`select 1 as one`.execute(h.store.db)));
  assert.deepEqual(
    answers.map((a) => a.rows[0]!.one),
    [1, 1, 1, 1],
  );
});

test('a connection ended inside a transaction fails that transaction with a connection error; the next one commits', { skip: postgresOnly }, async () => {
  await sql`create table if not exists test_connection_loss (n integer)`.execute(h.store.db);
  const since = warnings.length;
  const failure = await h.store.db
    .transaction()
    .execute(async (trx) => {
      await sql`insert into test_connection_loss (n) values (1)`.execute(trx);
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(h.store.db);
      // The checked-out client hears its connection go while the transaction holds it.
      assert.ok(await waitFor(() => warnings.length > since, 5_000), 'the loss is reported');
      await sql`insert into test_connection_loss (n) values (2)`.execute(trx);
    })
    .then(
      () => null,
      (error: unknown) => error,
    );
  assert.ok(isConnectionLost(failure), `a connection error: ${String(failure)}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(warnings.length, since + 1, 'one report for the one connection');
  await h.store.db.transaction().execute((trx) => sql`insert into test_connection_loss (n) values (3)`.execute(trx));
  const { rows } = await sql<{ n: number }>`select n from test_connection_loss order by n`.execute(h.store.db);
  assert.deepEqual(
    rows.map((r) => r.n),
    [3],
    'the lost transaction left nothing',
  );
});

describe('a request whose connection is lost while it writes', { skip: postgresOnly }, () => {
  // The backend inserting such a message ends its own connection, as a restart would mid-statement.
  before(async () => {
    await sql`create or replace function test_lose_connection() returns trigger language plpgsql as $$
      begin perform pg_terminate_backend(pg_backend_pid()); return new; end $$`.execute(h.store.db);
    await sql`create trigger test_lose_connection before insert on messages for each row
      when (new.content like 'lose the connection%') execute function test_lose_connection()`.execute(h.store.db);
  });
  after(async () => {
    await sql`drop trigger if exists test_lose_connection on messages`.execute(h.store.db);
  });

  const assertRetryLater = (res: { status: number; headers: Record<string, unknown>; body: string }) => {
    assert.equal(res.status, 503, res.body);
    assert.equal(res.headers['retry-after'], '5');
  };

  test('answers 503 with Retry-After in the native, JuriChat and Jelou shapes, and the same request succeeds next', async () => {
    const { conversationId, personId } = await inbound(h, { phone: '5511970000101' });

    const native = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'lose the connection (native)' } });
    assertRetryLater(native);
    assert.equal(native.json.error.code, 'service_unavailable');
    assert.equal(native.json.error.details.reason, 'database_unavailable');
    assert.match(native.json.error.message, /connection to the database was lost/);

    const jurichat = await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: 'lose the connection (jurichat)' } });
    assertRetryLater(jurichat);
    assert.equal(jurichat.json.statusCode, 503);
    assert.equal(jurichat.json.error, 'Service Unavailable');

    const jelouStart = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/start`, {
      body: { botId: h.ws.botId, userId: personId, initialMessage: 'lose the connection (jelou)' },
    });
    assertRetryLater(jelouStart);
    assert.equal(jelouStart.json.error.code, 'service_unavailable');
    assert.equal(jelouStart.json.error.key, 'database_unavailable');

    const retried = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'kept' } });
    assert.equal(retried.status, 201, retried.body);
    const { rows } = await sql<{
      content: string;
    }>`select content from messages where conversation_id = ${conversationId} and content like 'lose the connection%'`.execute(h.store.db);
    assert.deepEqual(rows, [], 'nothing of the lost requests was stored');
  });
});
