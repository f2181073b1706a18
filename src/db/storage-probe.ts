import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from './connect.ts';

/** About what a few messages with their events take: a write this size must fit before the server calls itself ready. */
const PROBE_BYTES = 16 * 1024;

/** Writes a row and deletes it in one transaction; it commits only if there is room to write. Raw SQL: no code reads the table. */
async function probeWrite(store: Store): Promise<void> {
  const id = randomUUID();
  // Random text, so PostgreSQL cannot compress it to nothing.
  const filler = randomBytes(PROBE_BYTES / 2).toString('hex');
  await store.transact(async (trx) => {
    await sql`insert into storage_probes (id, written_at, filler) values (${id}, ${Date.now()}, ${filler})`.execute(trx);
    await sql`delete from storage_probes where id = ${id}`.execute(trx);
  });
}

/** Why writes cannot commit (storage full, and still full when tried again), or null when they can. */
export async function storageUnavailable(store: Store): Promise<string | null> {
  const refusal = await store.storage.recheck(() => probeWrite(store));
  if (!refusal) return null;
  return `storage full since ${new Date(refusal.since).toISOString()}: writes cannot commit (${refusal.message})`;
}
