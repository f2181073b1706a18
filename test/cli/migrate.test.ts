import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/db/connect.ts';
import { MIGRATION_NAMES, pendingMigrations } from '../../src/db/migrate.ts';
import { ENGINE } from '../helpers/harness.ts';
import { cliEnv, emptyDatabase, runCli } from './cli-helpers.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
before(async () => {
  db = await emptyDatabase();
});
after(async () => {
  await db.drop();
});

test(`migrate applies pending migrations once and is idempotent (${ENGINE})`, async () => {
  const first = await runCli(['migrate'], cliEnv(db));
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`applied ${MIGRATION_NAMES.length} migration\\(s\\):\\n${MIGRATION_NAMES.map((name) => `\\s+${name}\\n`).join('')}`));

  const second = await runCli(['migrate'], cliEnv(db));
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /already up to date, no pending migrations/);

  const store = openStore(db.url);
  try {
    assert.deepEqual(await pendingMigrations(store), []);
    assert.equal(await store.db.selectFrom('workspaces').select('id').executeTakeFirst(), undefined, 'migrate creates no workspace');
  } finally {
    await store.close();
  }
});

test('migrate refuses extra arguments', async () => {
  const result = await runCli(['migrate', '--force'], cliEnv(db));
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Unknown option '--force'/);
});
