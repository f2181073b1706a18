import type { Db } from '../connect.ts';
import type { Engine } from '../engine.ts';
import { quirksOf } from '../engine-quirks.ts';
import { eventFromRow } from '../rows.ts';
import type { DomainEvent } from '../../domain/model.ts';

export interface FeedPosition {
  txId: number;
  id: string;
}

/** Events in commit order, those a reader may see now (`EngineQuirks.visibleEvents`). */
export async function readEventFeed(
  db: Db,
  engine: Engine,
  workspaceId: string,
  after: FeedPosition | null,
  types: string[] | null,
  limit: number,
): Promise<{ events: (DomainEvent & { position: FeedPosition })[] }> {
  let q = quirksOf(engine).visibleEvents(db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId));
  if (after) q = q.where((eb) => eb(eb.refTuple('tx_id', 'id'), '>', eb.tuple(after.txId, after.id)));
  if (types && types.length > 0) q = q.where('type', 'in', types);
  const rows = await q.orderBy('tx_id').orderBy('id').limit(limit).execute();
  return { events: rows.map((r) => ({ ...eventFromRow(r), position: { txId: r.tx_id, id: r.id } })) };
}

/**
 * The position of the last event the feed shows now (with the same visibility rule as
 * `readEventFeed`), or null when it shows none: where a follower of the feed starts.
 */
export async function readFeedEnd(db: Db, engine: Engine, workspaceId: string): Promise<FeedPosition | null> {
  const q = quirksOf(engine).visibleEvents(db.selectFrom('events').select(['tx_id', 'id']).where('workspace_id', '=', workspaceId));
  const row = await q.orderBy('tx_id', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { txId: Number(row.tx_id), id: row.id } : null;
}

/** Feed order: transaction id, then id (ids compare byte-wise on both engines, as in JavaScript). */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
