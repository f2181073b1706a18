import { readFileSync } from 'node:fs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/db/connect.ts';
import { ID_PATTERN } from '../../src/domain/ids.ts';
import { ENGINE } from '../helpers/harness.ts';
import { cliEnv, emptyDatabase, runCli } from './cli-helpers.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
before(async () => {
  db = await emptyDatabase();
});
after(async () => {
  await db.drop();
});

const KEYS = ['apiKey', 'botId', 'channelId', 'clientId', 'clientSecret', 'inboxId', 'userEmail', 'userPassword', 'workspaceId'];

test(`init --json prints exactly one JSON object with the documented keys (${ENGINE})`, async () => {
  const result = await runCli(['init', '--json', '--name', 'Escritório Silva'], cliEnv(db));
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `stdout must carry only the JSON object, got:\n${result.stdout}`);
  const parsed = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(parsed).sort(), KEYS);
  for (const key of ['workspaceId', 'inboxId', 'channelId', 'botId']) assert.match(parsed[key], new RegExp(ID_PATTERN), key);
  assert.match(parsed.apiKey, /^cvs_live_[0-9A-Za-z]{32}$/);
  assert.match(parsed.clientId, /^cvs_client_/);
  assert.equal(typeof parsed.clientSecret, 'string');
  assert.equal(parsed.userEmail, 'admin@conversas.local');
  assert.ok(parsed.userPassword.length >= 16, 'a generated password of at least 16 characters');

  const store = openStore(db.url);
  try {
    const ws = await store.db.selectFrom('workspaces').selectAll().where('id', '=', parsed.workspaceId).executeTakeFirst();
    assert.equal(ws?.name, 'Escritório Silva');
    const channel = await store.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', parsed.workspaceId)
      .where('id', '=', parsed.channelId)
      .executeTakeFirst();
    assert.equal(channel?.kind, 'sandbox');
    const admin = await store.db.selectFrom('users').selectAll().where('workspace_id', '=', parsed.workspaceId).executeTakeFirst();
    assert.equal(admin?.access, 'admin');
    assert.equal(admin?.email, parsed.userEmail);
    assert.ok(admin?.password_hash?.startsWith('scrypt$'), 'only a scrypt hash is stored');
    assert.ok(!admin?.password_hash?.includes(parsed.userPassword), 'never the password itself');
  } finally {
    await store.close();
  }
});

test('init without --json prints a human credentials block with a curl example', async () => {
  const result = await runCli(['init'], cliEnv(db, { PUBLIC_URL: 'https://conversas.example.com' }));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /API key:\s+cvs_live_/);
  assert.match(result.stdout, /Client secret:\s+\S+/);
  assert.match(result.stdout, /curl -sS -X POST 'https:\/\/conversas\.example\.com\/api\/v1\/channels\/c[0-9a-z]{26}\/inbound'/);
  assert.match(result.stdout, /Authorization: Bearer cvs_live_/);
  assert.match(result.stdout, /Admin e-mail:\s+admin@conversas\.local/);
  assert.match(result.stdout, /Admin password:\s+\S{16,}/);
});

test('init --email names the first admin; a malformed one is a usage error', async () => {
  const result = await runCli(['init', '--json', '--email', 'Dona@Example.com'], cliEnv(db));
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).userEmail, 'Dona@Example.com');
  const bad = await runCli(['init', '--email', 'not-an-email'], cliEnv(db));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--email/);
});

test('an unknown command or flag is a usage error: stderr and exit code 2', async () => {
  const unknown = await runCli(['frobnicate'], cliEnv(db));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.equal(unknown.stdout, '');

  const badFlag = await runCli(['init', '--jsn'], cliEnv(db));
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /Unknown option '--jsn'/);
  assert.equal(badFlag.stdout, '');

  const none = await runCli([], cliEnv(db));
  assert.equal(none.code, 2);
});

test('--help prints usage and exits 0', async () => {
  const help = await runCli(['--help'], cliEnv(db));
  assert.equal(help.code, 0);
  for (const command of ['serve', 'migrate', 'init', 'seed']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
  const seedHelp = await runCli(['seed', '--help'], cliEnv(db));
  assert.equal(seedHelp.code, 0);
  assert.match(seedHelp.stdout, /--messages-per-conversation/);
  const serveHelp = await runCli(['serve', '--help'], cliEnv(db));
  assert.match(serveHelp.stdout, /--port N\] \[--host H\]/);
});

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const result = await runCli([flag], cliEnv(db));
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `conversas ${version}\n`);
  }
});

test('a configuration error exits 1 with a message and no stack trace', async () => {
  const result = await runCli(['migrate'], cliEnv(db, { PORT: 'not-a-port' }));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /PORT must be an integer/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);

  for (const command of ['migrate', 'serve']) {
    const badLevel = await runCli([command], cliEnv(db, { LOG_LEVEL: 'loud' }));
    assert.equal(badLevel.code, 1, command);
    assert.equal(badLevel.stderr, 'conversas: configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n');
  }
  const badPort = await runCli(['serve', '--port', '70000'], cliEnv(db));
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /--port must be an integer from 0 to 65535, got "70000"/);

  const badUrl = await runCli(['init', '--json'], cliEnv(db, { DATABASE_URL: 'mysql://nope' }));
  assert.equal(badUrl.code, 1);
  assert.match(badUrl.stderr, /DATABASE_URL must start with/);
  assert.equal(badUrl.stdout, '');
});
