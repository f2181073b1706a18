import type { Ctx, Actor } from './context.ts';
import type { Message } from './model.ts';
import { notFound } from './errors.ts';
import { lockConversation } from './conversations.ts';
import { appendMessage } from './messages.ts';
import { findMessage } from '../db/repos/messages.ts';

/**
 * Copies each message, in the given order, as a new OUTBOUND message into each target conversation
 * (`metadata.forwardedFrom` = the original id). All ids are checked first: one unknown id forwards nothing.
 */
export async function forwardMessages(ctx: Ctx, workspaceId: string, conversationIds: string[], messageIds: string[], actor: Actor): Promise<Message[]> {
  return ctx.transact(async (trx) => {
    const originals: Message[] = [];
    for (const id of messageIds) {
      const message = await findMessage(trx, workspaceId, id);
      if (!message) throw notFound('message', id);
      originals.push(message);
    }
    const targets = [];
    for (const id of [...new Set(conversationIds)]) {
      const conversation = await lockConversation(ctx, trx, workspaceId, id);
      if (!conversation) throw notFound('conversation', id);
      targets.push(conversation);
    }
    const copies: Message[] = [];
    for (const conversation of targets) {
      for (const original of originals) {
        const { message } = await appendMessage(
          ctx,
          trx,
          conversation,
          {
            type: original.type,
            direction: 'OUTBOUND',
            content: original.content,
            media: original.media,
            contact: original.contact,
            metadata: { forwardedFrom: original.id },
            senderUserId: null,
          },
          actor,
        );
        copies.push(message);
      }
    }
    return copies;
  });
}
