import { messageFromRow } from '../rows.ts';
import type { Message } from '../../domain/model.ts';
import type { Db } from '../connect.ts';
import type { Tx } from './tx.ts';

export async function findMessage(db: Db | Tx, workspaceId: string, id: string): Promise<Message | null> {
  const row = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? messageFromRow(row) : null;
}

export async function findMessageByKey(db: Db | Tx, workspaceId: string, conversationId: string, key: 'external_id' | 'client_message_id', value: string): Promise<Message | null> {
  const row = await db.selectFrom('messages').selectAll()
    .where('workspace_id', '=', workspaceId).where('conversation_id', '=', conversationId).where(key, '=', value).executeTakeFirst();
  return row ? messageFromRow(row) : null;
}
