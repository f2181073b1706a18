import type { Ctx } from '../context.ts';
import type { Message } from '../model.ts';
import { notFound } from '../errors.ts';
import { messageFromRow } from '../../db/rows.ts';
import { findConversation } from '../../db/repos/conversations.ts';
import { usersByIds, type UserSummary } from '../../db/repos/conversation-views.ts';

/** Most notes one list returns. */
const NOTES_LIMIT = 1000;

export interface NoteListItem {
  note: Message;
  author: UserSummary | null;
}

/** A conversation's internal notes, newest first, each with the user who wrote it; 404 for a conversation not in the workspace. */
export async function listNotes(ctx: Ctx, workspaceId: string, conversationId: string): Promise<NoteListItem[]> {
  if (!(await findConversation(ctx.db, workspaceId, conversationId))) throw notFound('conversation', conversationId);
  const rows = await ctx.db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'INTERNAL')
    .orderBy('message_at', 'desc')
    .orderBy('id', 'desc')
    .limit(NOTES_LIMIT)
    .execute();
  const notes = rows.map(messageFromRow);
  const users = await usersByIds(
    ctx.db,
    workspaceId,
    notes.map((n) => n.senderUserId),
  );
  return notes.map((note) => ({ note, author: note.senderUserId ? (users.get(note.senderUserId) ?? null) : null }));
}
