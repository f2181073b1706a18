import type { DomainEvent, Message, SupportSession } from '../../domain/model.ts';
import type { ConversationSnapshot } from '../../domain/snapshots.ts';
import type { Subscription, WebhookFormat } from '../../events/webhook-formats.ts';
import { hmacSha256Header, standardWebhooksHeaders } from '../../events/signing.ts';
import { asVendorMessage } from '../vendor-message.ts';

export const JELOU_DIALECT = 'jelou';

interface MessagePayload {
  conversation: ConversationSnapshot;
  message: Message;
}
interface SessionPayload {
  conversation: ConversationSnapshot;
  session: SupportSession;
}

const inHumanSupport = (c: ConversationSnapshot) => c.status === 'WAITING' || c.status === 'ACTIVE';

/** Jelou's sessions are between a bot and one end user: group conversations are not the panel's. */
const isPersonConversation = (c: ConversationSnapshot | undefined) => !!c && !c.isGroup && c.person !== null;

const contactOf = (c: ConversationSnapshot) => ({ id: c.person?.id ?? c.personId, name: c.person?.name ?? null });
const botOf = (c: ConversationSnapshot, botId: string | null) => ({ id: c.bot?.id ?? botId, name: c.bot?.name ?? null });

/**
 * The message as Jelou's `value`. Jelou knows text, image, video, audio and document; a sticker
 * travels as an image, and contacts and locations as text.
 */
export function messageValue(message: Message) {
  const m = asVendorMessage(message);
  const media = m.media;
  switch (m.type) {
    case 'image':
    case 'sticker':
    case 'video':
      return {
        id: m.id,
        type: m.type === 'video' ? 'video' : 'image',
        content: { url: media?.url ?? m.content, mime_type: media?.mimeType ?? null },
        caption: media?.caption ?? null,
      };
    case 'audio':
      return { id: m.id, type: 'audio', content: { url: media?.url ?? m.content, mime_type: media?.mimeType ?? null } };
    case 'document':
      return {
        id: m.id,
        type: 'document',
        content: { url: media?.url ?? m.content, mime_type: media?.mimeType ?? null },
        filename: media?.fileName ?? null,
      };
    case 'contact': {
      const body = [m.contact?.name, m.contact?.phoneNumber].filter(Boolean).join(' ') || (m.content ?? '');
      return { id: m.id, type: 'text', content: { body } };
    }
    default:
      return { id: m.id, type: 'text', content: { body: m.content ?? '' } };
  }
}

function messageBody(event: DomainEvent, p: MessagePayload) {
  const c = p.conversation;
  return {
    field: 'messages',
    object: 'message_event',
    event_type: 'message',
    timestamp: event.createdAt,
    project_id: event.workspaceId,
    room_id: c.id,
    contact: contactOf(c),
    conversation: { id: c.supportSessionId },
    bot: botOf(c, c.botId),
    value: messageValue(p.message),
  };
}

function sessionBody(event: DomainEvent, p: SessionPayload) {
  const { conversation: c, session: s } = p;
  const common = {
    timestamp: event.createdAt,
    project_id: event.workspaceId,
    room_id: c.id,
    conversation: { id: s.id },
    contact: contactOf(c),
    bot: botOf(c, s.botId),
  };
  if (event.type === 'support_session.started') {
    return {
      event: 'conversation.start',
      ...common,
      initial_message: s.initialMessage ?? null,
      metadata: s.metadata ?? null,
      assignment: s.assignment ?? null,
    };
  }
  return { event: 'conversation.close', ...common, ended_reason: s.endedReason ?? null, redirect_payload: s.redirectPayload ?? null };
}

/** The header that `authType` asks for, carrying the integration's `authorization`. */
function authHeader(subscription: Subscription): Record<string, string> {
  const value = subscription.authorization;
  if (!value) return {};
  switch (subscription.authType) {
    case 'bearer':
      return { authorization: `Bearer ${value}` };
    case 'api_key':
      return { 'x-api-key': value };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(value, 'utf8').toString('base64')}` };
    default:
      return {};
  }
}

/**
 * Jelou's events to the integration's webhookUrl: `message` for every inbound message while the
 * conversation is in human support, `conversation.start` / `conversation.close` when a session
 * opens or closes. Signed with X-Jelou-Signature, the authType header and the Standard Webhooks headers.
 */
export const jelouWebhookFormat: WebhookFormat = {
  dialect: JELOU_DIALECT,
  wants(event) {
    const p = event.payload as Partial<MessagePayload & SessionPayload>;
    if (!isPersonConversation(p.conversation)) return false;
    if (event.type === 'message.created') {
      return p.message?.direction === 'INBOUND' && inHumanSupport(p.conversation!) && !!p.conversation!.supportSessionId;
    }
    return event.type === 'support_session.started' || event.type === 'support_session.closed';
  },
  body(event) {
    const payload = event.payload as unknown;
    return JSON.stringify(event.type === 'message.created' ? messageBody(event, payload as MessagePayload) : sessionBody(event, payload as SessionPayload));
  },
  headers(delivery, subscription) {
    return {
      'x-jelou-signature': hmacSha256Header(subscription.secret, delivery.body),
      ...authHeader(subscription),
      ...standardWebhooksHeaders(subscription.secret, delivery.id, delivery.timestampSeconds, delivery.body),
    };
  },
};
