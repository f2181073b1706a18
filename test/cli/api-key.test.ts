import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/db/connect.ts';
import { authenticateClient, authenticateKey } from '../../src/domain/api-keys.ts';
import { ENGINE } from '../helpers/harness.ts';
import { cliEnv, emptyDatabase, runCli } from './cli-helpers.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
before(async () => {
  db = await emptyDatabase();
});
after(async () => {
  await db.drop();
});

test(`api-key on an empty database says to create a workspace first (${ENGINE})`, async () => {
  const result = await runCli(['api-key', '--json'], cliEnv(db));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /There is no workspace yet: run `conversas init`/);
  assert.equal(result.stdout, '');
});

test('api-key --json issues working credentials for the first workspace, with its ids, and creates no workspace', async () => {
  const first = JSON.parse((await runCli(['init', '--json'], cliEnv(db))).stdout);
  const second = JSON.parse((await runCli(['init', '--json', '--name', 'Outro'], cliEnv(db))).stdout);
  const result = await runCli(['api-key', '--json'], cliEnv(db));
  assert.equal(result.code, 0, result.stderr);
  const issued = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(issued).sort(), ['apiKey', 'botId', 'channelId', 'clientId', 'clientSecret', 'inboxId', 'workspaceId']);
  const { apiKey, clientId, clientSecret, ...ids } = issued;
  assert.deepEqual(ids, { workspaceId: first.workspaceId, inboxId: first.inboxId, channelId: first.channelId, botId: first.botId });
  assert.notEqual(apiKey, first.apiKey);

  const named = JSON.parse((await runCli(['api-key', '--json', '--workspace', second.workspaceId, '--name', 'ci'], cliEnv(db))).stdout);
  assert.equal(named.workspaceId, second.workspaceId);

  const store = openStore(db.url);
  try {
    assert.equal((await authenticateKey(store.db, apiKey))?.workspaceId, first.workspaceId);
    assert.equal((await authenticateClient(store.db, clientId, clientSecret))?.workspaceId, first.workspaceId);
    assert.equal((await authenticateKey(store.db, first.apiKey))?.workspaceId, first.workspaceId, 'the first key still works');
    const workspaces = await store.db.selectFrom('workspaces').select('id').execute();
    assert.equal(workspaces.length, 2);
  } finally {
    await store.close();
  }
});

test('api-key refuses an unknown workspace (exit 1) and bad flags (exit 2); without --json it prints the credentials block', async () => {
  const unknown = await runCli(['api-key', '--workspace', 'c00000000000000000000000000'], cliEnv(db));
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Workspace c00000000000000000000000000 does not exist/);
  const badFlag = await runCli(['api-key', '--jsn'], cliEnv(db));
  assert.equal(badFlag.code, 2);
  const human = await runCli(['api-key'], cliEnv(db));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /New API key for workspace c[0-9a-z]{26}\. These credentials are shown ONCE/);
  assert.match(human.stdout, /API key: +cvs_live_/);
});
