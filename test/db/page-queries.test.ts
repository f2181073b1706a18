import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startHarness, inbound, ENGINE, type Harness } from '../helpers/harness.ts';
import { conversationWithPage, messagesBefore } from '../../src/db/repos/conversation-views.ts';

// Message pages of every size, one connection throughout: on PostgreSQL the page size is a
// parameter, so the statement gets a generic plan instead of being planned on every run.
let h: Harness;
let conversationId: string;
const texts = ['um', 'dois', 'três', 'quatro'];
before(async () => {
  h = await startHarness();
  const phone = '5511988887777';
  for (const text of texts) conversationId = (await inbound(h, { phone, text })).conversationId;
});
after(async () => {
  await h?.close();
});

test('message pages hold exactly the page size asked for, newest first, whatever the size', async () => {
  await h.store.db.connection().execute(async (db) => {
    for (let run = 0; run < 3; run++)
      for (const limit of [1, 2, 3, 5]) {
        const newestFirst = [...texts].reverse().slice(0, limit);
        const detail = await conversationWithPage(db, h.ws.workspaceId, conversationId, null, limit);
        assert.deepEqual(
          detail?.page.map((m) => m.message.content),
          newestFirst,
        );
        const plain = await messagesBefore(db, h.ws.workspaceId, conversationId, null, limit);
        assert.deepEqual(
          plain.map((m) => m.content),
          newestFirst,
        );
      }
    if (ENGINE !== 'postgres') return;
    const { rows } = await sql<{ statement: string; generic_plans: string }>`select statement, generic_plans from pg_prepared_statements
      where statement like '%quoted_message_at%'`.execute(db);
    assert.equal(rows.length, 1, 'one statement for every page size');
    assert.match(rows[0]!.statement, /limit \$\d+/);
    assert.ok(Number(rows[0]!.generic_plans) > 0, 'PostgreSQL switched to a generic plan');
  });
});
