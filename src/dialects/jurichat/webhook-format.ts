import type { DomainEvent, Message, Person } from '../../domain/model.ts';
import type { ConversationSnapshot } from '../../domain/snapshots.ts';
import type { QuotedSummary } from '../../db/repos/conversation-views.ts';
import type { WebhookFormat } from '../../events/webhook-formats.ts';
import { hmacSha256Header, standardWebhooksHeaders } from '../../events/signing.ts';
import { presentJuriMessage, presentJuriPerson } from './presenters.ts';

/** Domain event → JuriChat event name (jurichat-api.md "Webhooks"). */
const NAMES: Record<string, string> = {
  'conversation.created': 'chat.conversation.created',
  'conversation.updated': 'chat.conversation.updated',
  'conversation.assigned': 'chat.conversation.assigned',
  'message.created': 'chat.message.created',
  'message.updated': 'chat.message.updated',
  'contact.created': 'contact.created',
  'contact.updated': 'contact.updated',
  'contact.deleted': 'contact.deleted',
  'webhook.test': 'webhook.test',
};

export const JURICHAT_EVENTS = Object.values(NAMES);
export const DOMAIN_TO_JURICHAT: Readonly<Record<string, string>> = NAMES;

export const JURICHAT_DIALECT = 'jurichat';

function conversationData(c: ConversationSnapshot, previousStatus: string | null) {
  return {
    conversationId: c.id,
    status: c.status,
    previousStatus,
    inboxId: c.inboxId,
    inboxName: c.inbox.name,
    personId: c.person?.id ?? null,
    personName: c.person?.name ?? null,
    personPhone: c.person?.phoneNumber ?? null,
    userId: c.assigneeUserId,
    priority: c.priority,
  };
}

/** The person contact events store: the domain person plus its tags' names and colours. */
type PersonPayload = Person & { tags?: { id: string; name: string; color: string }[] };

/** The payload fields this format reads, by event type (the outbox writes them; see domain/snapshots.ts). */
interface EventPayload {
  conversation: ConversationSnapshot;
  previousStatus?: string | null;
  message: Message;
  quoted?: QuotedSummary | null;
  person: PersonPayload;
  inboxId?: string | null;
  subscriptionId: string;
}

function dataOf(event: DomainEvent): Record<string, unknown> {
  const p = event.payload as unknown as EventPayload;
  switch (event.type) {
    case 'conversation.created':
      return conversationData(p.conversation, null);
    case 'conversation.updated':
    case 'conversation.assigned':
      return conversationData(p.conversation, p.previousStatus ?? null);
    case 'message.created':
    case 'message.updated': {
      const c = p.conversation;
      return { conversationId: c.id, inboxId: c.inboxId, message: presentJuriMessage(p.message, p.quoted, c.isGroup) };
    }
    case 'contact.created':
    case 'contact.updated':
    case 'contact.deleted':
      return presentJuriPerson(p.person, p.person.tags ?? []);
    case 'webhook.test':
      return { inboxId: p.inboxId ?? null, webhookId: p.subscriptionId, message: 'Conversas webhook test' };
    default:
      return {};
  }
}

/** JuriChat's `{event, timestamp, data}` bodies, signed with X-JuriChat-Signature and the Standard Webhooks headers. */
export const jurichatWebhookFormat: WebhookFormat = {
  dialect: JURICHAT_DIALECT,
  wants(event, subscription) {
    // A test event goes to the webhook it was sent from, whatever events it chose, and to no other.
    if (event.type === 'webhook.test') return event.payload.subscriptionId === subscription.id;
    const name = NAMES[event.type];
    return name !== undefined && subscription.events.includes(name);
  },
  body(event) {
    return JSON.stringify({ event: NAMES[event.type], timestamp: new Date(event.createdAt).toISOString(), data: dataOf(event) });
  },
  headers(delivery, subscription) {
    return {
      'x-jurichat-signature': hmacSha256Header(subscription.secret, delivery.body),
      'x-jurichat-delivery': delivery.id,
      ...standardWebhooksHeaders(subscription.secret, delivery.id, delivery.timestampSeconds, delivery.body),
    };
  },
};
