import type { MessageKey } from '../../i18n.ts';

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  status: 'active' | 'paused';
  secretHint: string;
  createdAt: string;
}
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'success' | 'failed' | 'cancelled';
export interface Delivery {
  id: string;
  webhookId: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The event types a webhook can subscribe to (`GET /api/v1/events` names them the same way). */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'message.created',
  'message.updated',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'support_session.started',
  'support_session.closed',
] as const;

const EVENT_LABELS: Record<string, MessageKey> = {
  'conversation.created': 'event_conversation_created',
  'conversation.updated': 'event_conversation_updated',
  'conversation.assigned': 'event_conversation_assigned',
  'message.created': 'event_message_created',
  'message.updated': 'event_message_updated',
  'contact.created': 'event_contact_created',
  'contact.updated': 'event_contact_updated',
  'contact.deleted': 'event_contact_deleted',
  'support_session.started': 'event_support_session_started',
  'support_session.closed': 'event_support_session_closed',
  'webhook.test': 'event_webhook_test',
};

/** An event type's label key; null for a type this version does not know (shown as it is). */
export const eventLabelKey = (type: string): MessageKey | null => EVENT_LABELS[type] ?? null;

export const DELIVERY_LABEL: Record<DeliveryStatus, MessageKey> = {
  pending: 'delivery_pending',
  retrying: 'webhookRetrying',
  success: 'delivery_delivered',
  failed: 'delivery_failed',
  cancelled: 'webhookCancelled',
};

/** Deliveries that can be sent again now. */
export const retryable = (d: Delivery) => d.status === 'failed' || d.status === 'retrying';
