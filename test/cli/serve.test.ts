import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { ENGINE } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait.ts';
import { POOL_APPLICATION_NAME } from '../../src/db/connect.ts';
import { LISTENER_APPLICATION_NAME } from '../../src/db/outbox-signal.ts';
import { api, cliEnv, emptyDatabase, startServe, stopServer, type Credentials, type Server } from './cli-helpers.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let server: Server | undefined;
let credentials: Credentials;
before(async () => {
  db = await emptyDatabase();
});
after(async () => {
  await stopServer(server);
  await db.drop();
});

/** A port nothing listens on now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const inboundBody = (phone: string, text: string, externalId?: string) => ({
  from: { phone, name: 'Maria' },
  message: { type: 'text', text, ...(externalId ? { externalId } : {}) },
});

test(`serve on an empty database prints working credentials (${ENGINE})`, { timeout: 60_000 }, async () => {
  server = await startServe(cliEnv(db));
  assert.ok(server.credentials, `no credentials printed:\n${server.output().stdout}`);
  credentials = server.credentials;
  assert.match(server.output().stdout, /API docs: http:\/\/127\.0\.0\.1:\d+\/docs/);
  const port = new URL(server.baseUrl).port;
  assert.match(server.output().stdout, new RegExp(`curl -sS -X POST 'http://127\\.0\\.0\\.1:${port}/api/v1/channels/${credentials.channelId}/inbound'`));

  const sent = await api(server, credentials.apiKey, 'POST', `/api/v1/channels/${credentials.channelId}/inbound`, inboundBody('5511999990000', 'Olá'));
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.duplicate, false);

  const messages = await api(server, credentials.apiKey, 'GET', `/api/v1/conversations/${sent.json.conversationId}/messages`);
  assert.equal(messages.status, 200, messages.text);
  assert.equal(messages.json.data.length, 1);
  assert.equal(messages.json.data[0].id, sent.json.messageId);
  assert.equal(messages.json.data[0].content, 'Olá');
  assert.equal(messages.json.data[0].direction, 'INBOUND');

  const conversations = await api(server, credentials.apiKey, 'GET', '/api/v1/conversations');
  assert.equal(conversations.status, 200, conversations.text);
  assert.deepEqual(
    conversations.json.data.map((c: { id: string }) => c.id),
    [sent.json.conversationId],
  );

  const docs = await fetch(`${server.baseUrl}/openapi.json`);
  assert.equal(docs.status, 200);
  // Read to the end: a large answer left unread keeps its connection busy, and a graceful shutdown waits for it.
  await docs.text();

  // The first admin's sign-in is printed once too, and works.
  const email = /Admin e-mail:\s+(\S+)/.exec(server.output().stdout)?.[1];
  const password = /Admin password:\s+(\S+)/.exec(server.output().stdout)?.[1];
  assert.ok(email && password, 'the admin e-mail and password are printed');
  const signedIn = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(signedIn.status, 200, await signedIn.text());
  assert.match(signedIn.headers.get('set-cookie') ?? '', /^conversas_session=/);
});

test('--port and --host override PORT and HOST; GET / serves the inbox (built at start), /docs the API documentation', { timeout: 120_000 }, async () => {
  const port = await freePort();
  const flagged = await startServe(cliEnv(db, { PORT: '1', HOST: '0.0.0.0' }), 30_000, ['--port', String(port), '--host', '127.0.0.1']);
  try {
    assert.equal(flagged.baseUrl, `http://127.0.0.1:${port}`);
    const root = await fetch(`${flagged.baseUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(root.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await root.text(), /<script type="module" crossorigin src="\/assets\/[^"]+\.js">/);
    const docsPage = await fetch(`${flagged.baseUrl}/docs/`);
    assert.equal(docsPage.status, 200);
    await docsPage.text();
  } finally {
    await stopServer(flagged, 'SIGTERM');
  }
});

test('SIGTERM shuts serve down gracefully with exit code 0', { timeout: 30_000 }, async () => {
  assert.ok(server);
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  assert.equal(code, 0, server.output().stderr);
  server = undefined;
});

test('a 200 is durable: SIGKILL right after it, restart, the message is there', { timeout: 60_000 }, async () => {
  server = await startServe(cliEnv(db));
  assert.equal(server.credentials, null, 'credentials are printed only when the database is empty');
  const phone = '5521988887777';
  const externalId = `wamid.durable.${Date.now()}`;
  const response = await fetch(`${server.baseUrl}/api/v1/channels/${credentials.channelId}/inbound`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credentials.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(inboundBody(phone, 'Não me percam', externalId)),
  });
  server.child.kill('SIGKILL');
  assert.equal(response.status, 200);
  await server.exited;
  await response.text().catch(() => '');

  server = await startServe(cliEnv(db));
  const list = await api(server, credentials.apiKey, 'GET', `/api/v1/conversations?search=${phone}`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.data.length, 1, list.text);
  const messages = await api(server, credentials.apiKey, 'GET', `/api/v1/conversations/${list.json.data[0].id}/messages`);
  assert.equal(messages.status, 200, messages.text);
  const found = messages.json.data.find((m: { externalId: string }) => m.externalId === externalId);
  assert.ok(found, `message lost after SIGKILL: ${messages.text}`);
  assert.equal(found.content, 'Não me percam');
});

test("serve outlives PostgreSQL ending all of its connections (a restart, a failover, a proxy's idle timeout)", {
  timeout: 60_000,
  skip: ENGINE === 'postgres' ? false : 'PostgreSQL: an embedded SQLite database has no connection to lose',
}, async () => {
  server ??= await startServe(cliEnv(db));
  const before = await api(server, credentials.apiKey, 'GET', '/api/v1/conversations');
  assert.equal(before.status, 200, before.text);

  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  let pooled: number;
  try {
    const { rows } = await admin.query<{ name: string; ok: boolean }>(
      'select application_name as name, pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    assert.ok(rows.every((r) => r.ok));
    pooled = rows.filter((r) => r.name === POOL_APPLICATION_NAME).length;
    assert.ok(pooled >= 2 && rows.some((r) => r.name === LISTENER_APPLICATION_NAME), JSON.stringify(rows));
  } finally {
    await admin.end();
  }

  // Each lost pool connection is logged once; the process goes on and opens new ones.
  const reported = () => server!.output().stdout.split('a PostgreSQL connection closed').length - 1;
  await waitFor(() => reported() >= pooled, 5_000);
  assert.equal(reported(), pooled, server.output().stdout);
  assert.equal(server.child.exitCode, null, server.output().stderr);
  const after = await api(server, credentials.apiKey, 'GET', '/api/v1/conversations');
  assert.equal(after.status, 200, after.text);
  const inbound = await api(server, credentials.apiKey, 'POST', `/api/v1/channels/${credentials.channelId}/inbound`, inboundBody('5521988886666', 'depois'));
  assert.equal(inbound.status, 200, inbound.text);
  assert.equal(server.child.exitCode, null, server.output().stderr);
});
