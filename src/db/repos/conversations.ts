import type { Updateable } from 'kysely';
import type { ConversationTable } from '../schema.ts';
import type { Engine } from '../engine.ts';
import { conversationFromRow } from '../rows.ts';
import type { Conversation } from '../../domain/model.ts';
import { forUpdate, type Tx } from './tx.ts';
import type { Db } from '../connect.ts';

export async function conversationTagIds(db: Db | Tx, workspaceId: string, conversationId: string): Promise<string[]> {
  const rows = await db.selectFrom('conversation_tags').select('tag_id')
    .where('workspace_id', '=', workspaceId).where('conversation_id', '=', conversationId).orderBy('tag_id').execute();
  return rows.map((r) => r.tag_id);
}

export async function findConversation(db: Db | Tx, workspaceId: string, id: string, lock?: Engine): Promise<Conversation | null> {
  let q = db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock) q = forUpdate(q, lock);
  const row = await q.executeTakeFirst();
  return row ? conversationFromRow(row, await conversationTagIds(db, workspaceId, id)) : null;
}

export async function updateConversationRow(trx: Tx, workspaceId: string, id: string, values: Updateable<ConversationTable>): Promise<void> {
  await trx.updateTable('conversations').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
