import type { Ctx, Actor } from './context.ts';
import type { Media, Message, MessageType } from './model.ts';
import { MEDIA_TYPES } from './model.ts';
import { DomainError, invalid, notFound } from './errors.ts';
import { lockConversation } from './conversations.ts';
import { appendMessage } from './messages.ts';
import { requireExisting } from './lookups.ts';
import { findMessage } from '../db/repos/messages.ts';
import type { Tx } from '../db/repos/tx.ts';

export interface OutgoingMessage {
  workspaceId: string;
  conversationId: string;
  type: MessageType;
  /** The text, or for media the caption. */
  text?: string | null;
  media?: Media | null;
  contact?: { name: string | null; phoneNumber: string | null } | null;
  senderUserId?: string | null;
  senderBotId?: string | null;
  /** Default sender when neither user nor bot is given: the assignee. */
  defaultToAssignee?: boolean;
  quotedMessageId?: string | null;
  clientMessageId?: string | null;
  metadata?: Record<string, unknown> | null;
  /** JuriChat's send-message: only while an agent is attending (`ACTIVE`). */
  requireActive?: boolean;
  /** An internal note: stored, never sent to the channel. */
  internal?: boolean;
  /** `template` messages: Meta's template object, passed through as it is. */
  template?: Record<string, unknown> | null;
}

export const OUTSIDE_SERVICE_WINDOW =
  'The 24-hour customer service window is closed: the person has not written in the last 24 hours, so only a template message can be sent';

export const NOT_IN_HUMAN_SUPPORT = 'Conversa não está em modo de atendimento humano';

/** An agent, the bot or the business sends a message into a conversation (the one send path of every dialect). */
export async function sendMessage(ctx: Ctx, input: OutgoingMessage, actor: Actor): Promise<{ message: Message; duplicate: boolean }> {
  checkContent(input);
  return ctx.transact((trx) => sendMessageInTransaction(ctx, trx, input, actor));
}

function checkContent(input: OutgoingMessage): void {
  if (input.type === 'text' && !input.text) throw invalid('text is required for text messages', 'validation_failed', 'text');
  if (MEDIA_TYPES.includes(input.type) && !input.media)
    throw invalid(`a file or media URL is required for ${input.type} messages`, 'validation_failed', 'media');
  if (input.type === 'contact' && !input.contact?.phoneNumber)
    throw invalid('contact phone number is required for contact messages', 'validation_failed', 'contact');
  if (input.type === 'template' && typeof input.template?.name !== 'string')
    throw invalid('template.name is required for template messages', 'validation_failed', 'template');
  if (input.type === 'unsupported') throw invalid('unsupported messages are received, never sent', 'validation_failed', 'type');
}

/** `sendMessage` inside a transaction the caller already holds (a Jelou start, the scheduler), so the send commits with the rest. */
export async function sendMessageInTransaction(ctx: Ctx, trx: Tx, input: OutgoingMessage, actor: Actor): Promise<{ message: Message; duplicate: boolean }> {
  checkContent(input);
  const ws = input.workspaceId;
  const conversation = await lockConversation(ctx, trx, ws, input.conversationId);
  if (!conversation) throw notFound('conversation', input.conversationId);
  if (input.senderUserId) await requireExisting(trx, 'users', ws, input.senderUserId);
  if (input.senderBotId) await requireExisting(trx, 'bots', ws, input.senderBotId);
  if (input.quotedMessageId) {
    const quoted = await findMessage(trx, ws, input.quotedMessageId);
    if (!quoted || quoted.conversationId !== conversation.id) throw notFound('message', input.quotedMessageId);
  }
  if (input.requireActive && conversation.status !== 'ACTIVE') {
    throw new DomainError('invalid', NOT_IN_HUMAN_SUPPORT, 'not_in_human_support');
  }
  if (!input.internal && input.type !== 'template') await checkServiceWindow(ctx, trx, ws, conversation.id, conversation.channelId);
  const senderUserId = input.senderUserId ?? (input.defaultToAssignee && !input.senderBotId ? conversation.assigneeUserId : null);
  const isMedia = MEDIA_TYPES.includes(input.type);
  return appendMessage(
    ctx,
    trx,
    conversation,
    {
      type: input.type,
      direction: input.internal ? 'INTERNAL' : 'OUTBOUND',
      content: isMedia
        ? input.media!.url
        : input.type === 'contact'
          ? (input.contact?.name ?? input.contact?.phoneNumber ?? null)
          : input.type === 'template'
            ? (input.template!.name as string)
            : (input.text ?? null),
      media: isMedia ? { ...input.media!, caption: input.media!.caption ?? input.text ?? null } : null,
      contact: input.type === 'contact' ? (input.contact ?? null) : null,
      senderUserId,
      senderBotId: input.senderBotId ?? null,
      quotedMessageId: input.quotedMessageId ?? null,
      clientMessageId: input.clientMessageId ?? null,
      metadata: input.type === 'template' ? { ...input.metadata, template: input.template } : (input.metadata ?? null),
    },
    actor,
  );
}

/** Channels with a customer-service window (WhatsApp) refuse free-form messages once the person's last message is older. */
export async function checkServiceWindow(ctx: Ctx, trx: Tx, ws: string, conversationId: string, channelId: string): Promise<void> {
  const row = await trx
    .selectFrom('conversations as c')
    .innerJoin('channels as ch', (j) => j.onRef('ch.workspace_id', '=', 'c.workspace_id').onRef('ch.id', '=', 'c.channel_id'))
    .select(['ch.kind', 'c.last_inbound_at'])
    .where('c.workspace_id', '=', ws)
    .where('c.id', '=', conversationId)
    .where('ch.id', '=', channelId)
    .executeTakeFirst();
  const windowMs = row && ctx.channelKinds.get(row.kind)?.serviceWindowMs;
  if (!row || !windowMs) return;
  if (row.last_inbound_at === null || row.last_inbound_at < Date.now() - windowMs) {
    throw new DomainError('conflict', OUTSIDE_SERVICE_WINDOW, 'outside_service_window');
  }
}
