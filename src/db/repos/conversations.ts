import type { Selectable, Updateable } from 'kysely';
import type { ConversationTable } from '../schema.ts';
import { prepared } from '../prepared.ts';
import { conversationFromRow } from '../rows.ts';
import type { Conversation } from '../../domain/model.ts';
import type { Tx } from './tx.ts';
import type { Db } from '../connect.ts';

const tagIdsOf = prepared<{ ws: string; id: string }, { tag_id: string }>((db, p) =>
  db.selectFrom('conversation_tags').select('tag_id').where('workspace_id', '=', p('ws')).where('conversation_id', '=', p('id')).orderBy('tag_id'),
);

export async function conversationTagIds(db: Db | Tx, workspaceId: string, conversationId: string): Promise<string[]> {
  const { rows } = await tagIdsOf(db, { ws: workspaceId, id: conversationId });
  return rows.map((r) => r.tag_id);
}

const rowById = prepared<{ ws: string; id: string }, Selectable<ConversationTable>>((db, p) =>
  db.selectFrom('conversations').selectAll().where('workspace_id', '=', p('ws')).where('id', '=', p('id')),
);

const rowByIdForUpdate = prepared<{ ws: string; id: string }, Selectable<ConversationTable>>((db, p, quirks) =>
  quirks.forUpdate(db.selectFrom('conversations').selectAll().where('workspace_id', '=', p('ws')).where('id', '=', p('id'))),
);

/** The conversation's row as stored, without its tags; undefined when it is not in the workspace. */
async function conversationRow(db: Db | Tx, workspaceId: string, id: string): Promise<Selectable<ConversationTable> | undefined> {
  return (await rowById(db, { ws: workspaceId, id })).rows[0];
}

/** A conversation of this workspace; `forUpdate` locks its row for a change in this transaction. */
export async function findConversation(db: Db | Tx, workspaceId: string, id: string, forUpdate = false): Promise<Conversation | null> {
  const row = forUpdate ? (await rowByIdForUpdate(db, { ws: workspaceId, id })).rows[0] : await conversationRow(db, workspaceId, id);
  return row ? conversationFromRow(row, await conversationTagIds(db, workspaceId, id)) : null;
}

export async function updateConversationRow(trx: Tx, workspaceId: string, id: string, values: Updateable<ConversationTable>): Promise<void> {
  await trx.updateTable('conversations').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
