import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../helpers/harness.ts';
import { INBOUND_ID_RETENTION_MS, purgeChannelRecords, WEBHOOK_LOG_RETENTION_MS } from '../../../src/domain/channel-webhook-log.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('the purge drops webhook log rows after 7 days, de-duplication ids and unmatched statuses after 30, and keeps the rest', async () => {
  const now = Date.now();
  const ws = h.ws.workspaceId;
  const channel_id = h.ws.channelId;
  const log = (id: string, received_at: number) => ({ workspace_id: ws, id, channel_id, received_at, signature_valid: 1, processed: 1, body: '{}' });
  await h.store.db
    .insertInto('channel_webhook_log')
    .values([log('old', now - WEBHOOK_LOG_RETENTION_MS - 1), log('new', now - WEBHOOK_LOG_RETENTION_MS + 60_000)])
    .execute();
  await h.store.db
    .insertInto('channel_inbound_ids')
    .values([
      { workspace_id: ws, channel_id, external_id: 'wamid.old', received_at: now - INBOUND_ID_RETENTION_MS - 1 },
      { workspace_id: ws, channel_id, external_id: 'wamid.week', received_at: now - WEBHOOK_LOG_RETENTION_MS - 1 },
    ])
    .execute();
  await h.store.db
    .insertInto('waiting_statuses')
    .values({ workspace_id: ws, channel_id, external_id: 'wamid.lost', status: 'read', error_message: null, received_at: now - INBOUND_ID_RETENTION_MS - 1 })
    .execute();

  assert.equal(await purgeChannelRecords(h.ctx, now), 3);
  assert.deepEqual(
    (await h.store.db.selectFrom('channel_webhook_log').select('id').execute()).map((r) => r.id),
    ['new'],
  );
  assert.deepEqual(
    (await h.store.db.selectFrom('channel_inbound_ids').select('external_id').execute()).map((r) => r.external_id),
    ['wamid.week'],
  );
  assert.equal((await h.store.db.selectFrom('waiting_statuses').selectAll().execute()).length, 0);
});
