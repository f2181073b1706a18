import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/repos/tx.ts';
import { notFound } from './errors.ts';

type Live = 'inboxes' | 'channels' | 'bots' | 'roles' | 'users' | 'people';
type Plain = 'tags' | 'groups' | 'messages' | 'support_sessions' | 'scheduled_messages' | 'conversations';

const ENTITY: Record<Live | Plain, string> = {
  inboxes: 'inbox',
  channels: 'channel',
  bots: 'bot',
  roles: 'role',
  users: 'user',
  people: 'person',
  tags: 'tag',
  groups: 'group',
  conversations: 'conversation',
  messages: 'message',
  support_sessions: 'session',
  scheduled_messages: 'scheduled message',
};
const SOFT_DELETED = new Set<string>(['inboxes', 'channels', 'bots', 'roles', 'users', 'people']);

/** Throws the entity's 404 unless `id` is a live row of this workspace (ids of other workspaces look the same as unknown ones). */
export async function requireExisting(db: Db | Tx, table: Live | Plain, workspaceId: string, id: string): Promise<void> {
  let q = db.selectFrom(table).select('id').where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (SOFT_DELETED.has(table)) q = (q as typeof q).where('deleted_at' as never, 'is', null);
  if (!(await q.executeTakeFirst())) throw notFound(ENTITY[table], id);
}
