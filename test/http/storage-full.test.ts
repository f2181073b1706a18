import { test, before, after, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, call, inbound, ENGINE, type Harness } from '../helpers/harness.ts';
import { juri } from '../helpers/jurichat.ts';
import { base, jelou } from '../helpers/jelou.ts';
import { fullDisk, type FullDisk } from '../helpers/full-disk.ts';

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string; code?: string; type?: string };
}

let h: Harness;
let disk: FullDisk;
const logs: LogLine[] = [];

before(async () => {
  h = await startHarness({}, { logger: { level: 'error', stream: { write: (line: string) => logs.push(JSON.parse(line) as LogLine) } } });
  disk = fullDisk(h.store);
});
after(async () => {
  await h?.close();
});
// Whatever a test did, the next one starts with room to write.
afterEach(async () => {
  await disk.free();
});

/** Text long enough that storing it needs new pages (SQLite overflow pages), on any engine. */
const big = (label: string) => `${label} ${'x'.repeat(20_000)}`;

function assertRetryLater(res: { status: number; headers: Record<string, unknown>; body: string }) {
  assert.equal(res.status, 503, res.body);
  assert.equal(res.headers['retry-after'], '30');
}

/** The failed requests' log lines: one each, carrying the storage's own error. */
function refusalsLogged(since: number): LogLine[] {
  const lines = logs.slice(since).filter((l) => l.level >= 50);
  for (const line of lines) {
    assert.equal(line.msg, 'request failed');
    assert.match(line.err?.message ?? '', disk.refusal, `the log keeps the original error: ${JSON.stringify(line.err)}`);
    assert.doesNotMatch(line.err?.message ?? '', /cannot rollback|no such savepoint|no transaction is active/);
  }
  return lines;
}

const readyz = async () => {
  const res = await h.app.inject({ url: '/readyz' });
  return { status: res.statusCode, json: res.json() as { status: string; reason?: string } };
};

describe(`a full disk (${ENGINE}: ${ENGINE === 'sqlite' ? 'PRAGMA max_page_count' : 'a trigger raising SQLSTATE 53100 disk_full'})`, () => {
  test('a write answers 503 with Retry-After in the native, JuriChat and Jelou shapes; each failure is logged once with the original error', async () => {
    const { conversationId, personId } = await inbound(h, { phone: '5511970000001' });
    const since = logs.length;
    await disk.fill();

    const native = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('native') } });
    assertRetryLater(native);
    assert.equal(native.json.error.code, 'service_unavailable');
    assert.equal(native.json.error.details.reason, 'storage_full');
    assert.match(native.json.error.message, /out of storage space/);

    const jurichat = await juri(h, 'POST', '/conversation/note', { body: { conversationId, note: big('jurichat') } });
    assertRetryLater(jurichat);
    assert.deepEqual(Object.keys(jurichat.json).sort(), ['error', 'message', 'statusCode']);
    assert.equal(jurichat.json.statusCode, 503);
    assert.equal(jurichat.json.error, 'Service Unavailable');

    const jelouStart = await jelou(h, 'POST', `${base(h.ws.workspaceId)}/conversations/start`, {
      body: { botId: h.ws.botId, userId: personId, initialMessage: 'y'.repeat(4096) },
    });
    assertRetryLater(jelouStart);
    assert.equal(jelouStart.json.statusMessage, 'error');
    assert.equal(jelouStart.json.error.code, 'service_unavailable');
    assert.equal(jelouStart.json.error.key, 'storage_full');
    assert.equal(jelouStart.json.message, 'Service temporarily unavailable');
    assert.equal(jelouStart.json.error.clientMessages.es, 'Servicio no disponible temporalmente');
    assert.match(jelouStart.json.error.description, /out of storage space/);
    assert.deepEqual(jelouStart.json.validationError, {});

    assert.equal(refusalsLogged(since).length, 3, 'one log line per failed request');
  });

  test('/readyz answers 503 while writes cannot commit and 200 by itself once space returns', async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000002' });
    assert.equal((await readyz()).status, 200);
    await disk.fill();
    assert.equal((await readyz()).status, 200, 'nothing has been refused yet');

    assertRetryLater(await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('refused') } }));
    for (let i = 0; i < 2; i++) {
      const full = await readyz();
      assert.equal(full.status, 503, 'still full: the probe write is refused too');
      assert.equal(full.json.status, 'unavailable');
      assert.match(full.json.reason ?? '', /storage full since .*: writes cannot commit/);
      assert.match(full.json.reason ?? '', disk.refusal);
    }

    await disk.free();
    assert.deepEqual(await readyz(), { status: 200, json: { status: 'ready' } }, 'the probe write commits: ready again without any request');
    assert.equal((await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('after') } })).status, 201);
  });

  test('any commit clears the refusal: the first write after space returns makes the server ready again', async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000003' });
    await disk.fill();
    assertRetryLater(await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('refused') } }));
    assert.ok(h.store.storage.refusal, 'the refused write raised the refusal');
    await disk.free();
    assert.equal((await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('accepted') } })).status, 201);
    assert.equal(h.store.storage.refusal, null);
    assert.equal((await readyz()).status, 200);
  });

  test('nothing acknowledged is lost, nothing refused is stored, and a refused Idempotency-Key can be retried', async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000004' });
    const url = `/api/v1/conversations/${conversationId}/messages`;
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(h, 'POST', url, { body: { message: big(`before ${i}`) } });
      assert.equal(res.status, 201);
      acknowledged.push(res.json.id);
    }

    await disk.fill();
    const refused = await Promise.all(
      [0, 1, 2, 3].map((i) => call(h, 'POST', url, { body: { message: big(`refused ${i}`) }, headers: { 'idempotency-key': `full-${i}` } })),
    );
    for (const res of refused) assertRetryLater(res);
    await disk.free();

    const retried = await call(h, 'POST', url, { body: { message: big('refused 0') }, headers: { 'idempotency-key': 'full-0' } });
    assert.equal(retried.status, 201, 'the same request, retried with the same key once space returned, is done');
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    acknowledged.push(retried.json.id);

    const stored = await h.store.db.selectFrom('messages').select(['id', 'content']).where('conversation_id', '=', conversationId).execute();
    for (const id of acknowledged)
      assert.ok(
        stored.some((m) => m.id === id),
        `acknowledged message ${id} is stored`,
      );
    const refusedStored = stored.map((m) => /^refused \d/.exec(m.content ?? '')?.[0]).filter((label) => label !== undefined);
    assert.deepEqual(refusedStored, ['refused 0'], 'of the refused writes, only the retried one is stored');
  });

  test('SQLite: concurrent writes share a commit group; every one answers 503 with SQLITE_FULL, not a savepoint error', {
    skip: ENGINE !== 'sqlite' && "group commit is SQLite's; PostgreSQL runs one transaction per request (covered above)",
  }, async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000005' });
    const since = logs.length;
    await disk.fill();
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big(`group ${i}`) } })),
    );
    for (const res of results) assertRetryLater(res);
    const lines = refusalsLogged(since);
    assert.equal(lines.length, results.length);
    for (const line of lines) assert.equal(line.err?.code, 'SQLITE_FULL');
  });

  test('PostgreSQL: SQLSTATE 53100 is kept as the error, and other class-53 shortages answer 503 with a shorter Retry-After', {
    skip: ENGINE !== 'postgres' && "SQLSTATE class 53 is PostgreSQL's; SQLite's SQLITE_FULL is covered above",
  }, async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000006' });
    const since = logs.length;
    await disk.fill();
    assertRetryLater(await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: big('pg') } }));
    assert.equal(refusalsLogged(since)[0]?.err?.code, '53100');
    await disk.free();
    assert.equal((await readyz()).status, 200);

    await sql`create or replace function test_out_of_memory() returns trigger language plpgsql as $$
      begin raise exception 'out of memory (simulated)' using errcode = '53200'; end $$`.execute(h.store.db);
    await sql`create trigger test_out_of_memory before insert on messages for each row execute function test_out_of_memory()`.execute(h.store.db);
    try {
      const res = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'short of memory' } });
      assert.equal(res.status, 503, res.body);
      assert.equal(res.headers['retry-after'], '5');
      assert.equal(res.json.error.details.reason, 'insufficient_resources');
      assert.equal(h.store.storage.refusal, null, 'not a full disk: readiness is not affected');
    } finally {
      await sql`drop trigger test_out_of_memory on messages`.execute(h.store.db);
    }
  });

  test('a file upload refused by the file system (ENOSPC) answers 503 with Retry-After', async () => {
    const { conversationId } = await inbound(h, { phone: '5511970000007' });
    const media = h.app.media as { save: unknown };
    media.save = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    };
    try {
      const boundary = '----conversas-full';
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\ndocument\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
        ),
      ]);
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${conversationId}/messages`,
        payload,
        headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '30');
      assert.equal(res.json().error.details.reason, 'storage_full');
    } finally {
      delete (media as { save?: unknown }).save;
    }
  });
});
