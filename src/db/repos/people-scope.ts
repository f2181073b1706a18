import type { Db } from '../connect.ts';
import type { Principal } from '../../domain/api-keys.ts';
import { notFound } from '../../domain/errors.ts';

/** The inboxes whose people an agent may see; null: every inbox (admins, API keys, agents of every inbox). */
export const peopleInboxesOf = (p: Principal): string[] | null => (p.access === 'agent' ? p.inboxIds : null);

/** 404, exactly as for an unknown id, for a person of an inbox the agent does not work in. */
export async function requireVisiblePerson(db: Db, p: Principal, id: string): Promise<void> {
  const inboxIds = peopleInboxesOf(p);
  if (inboxIds === null) return;
  const row = await db.selectFrom('people').select('inbox_id').where('workspace_id', '=', p.workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row || !inboxIds.includes(row.inbox_id)) throw notFound('person', id);
}

/** 404 for an inbox the agent does not work in, as for an unknown inbox. */
export function requireVisibleInbox(p: Principal, inboxId: string): void {
  const inboxIds = peopleInboxesOf(p);
  if (inboxIds !== null && !inboxIds.includes(inboxId)) throw notFound('inbox', inboxId);
}
