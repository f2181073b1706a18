import type { Selectable } from 'kysely';
import type { MessageTable } from '../schema.ts';
import { prepared } from '../prepared.ts';
import { messageFromRow } from '../rows.ts';
import type { Message } from '../../domain/model.ts';
import type { Db } from '../connect.ts';
import type { Tx } from './tx.ts';

export async function findMessage(db: Db | Tx, workspaceId: string, id: string): Promise<Message | null> {
  const row = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? messageFromRow(row) : null;
}

const byKey = Object.fromEntries(
  (['external_id', 'client_message_id'] as const).map((key) => [
    key,
    prepared<{ ws: string; conversationId: string; value: string }, Selectable<MessageTable>>((db, p) =>
      db.selectFrom('messages').selectAll().where('workspace_id', '=', p('ws')).where('conversation_id', '=', p('conversationId')).where(key, '=', p('value')),
    ),
  ]),
);

export async function findMessageByKey(
  db: Db | Tx,
  workspaceId: string,
  conversationId: string,
  key: 'external_id' | 'client_message_id',
  value: string,
): Promise<Message | null> {
  const {
    rows: [row],
  } = await byKey[key]!(db, { ws: workspaceId, conversationId, value });
  return row ? messageFromRow(row) : null;
}
