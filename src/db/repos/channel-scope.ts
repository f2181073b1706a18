import type { Db } from '../connect.ts';
import type { Principal } from '../../domain/api-keys.ts';
import { notFound } from '../../domain/errors.ts';

/** 404, exactly as for an unknown id, for a channel outside the inboxes an agent works in; others see every channel. */
export async function requireVisibleChannel(db: Db, p: Principal, id: string): Promise<void> {
  if (p.access !== 'agent' || p.inboxIds === null) return;
  const inboxIds = p.inboxIds;
  const visible =
    inboxIds.length > 0 &&
    (await db
      .selectFrom('channels')
      .select('id')
      .where('workspace_id', '=', p.workspaceId)
      .where('id', '=', id)
      .where('inbox_id', 'in', inboxIds)
      .executeTakeFirst());
  if (!visible) throw notFound('channel', id);
}
