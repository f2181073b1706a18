import { EVENT_TYPES } from '../../domain/model.ts';
import type { WebhookFormat } from '../../events/webhook-formats.ts';
import { standardWebhooksHeaders } from '../../events/signing.ts';
import { presentEvent } from './events.ts';

export const NATIVE_DIALECT = 'native';

/** What a native webhook can subscribe to: every event type of the feed but the test, which goes to the webhook it was sent from. */
export const NATIVE_WEBHOOK_EVENTS = EVENT_TYPES.filter((type) => type !== 'webhook.test');

/**
 * Native webhooks carry each event exactly as the feed (`GET /api/v1/events`) lists it, without the
 * feed's `cursor` (a position known only once the transaction commits), signed per Standard Webhooks
 * with the subscription's `whsec_` secret.
 */
export const nativeWebhookFormat: WebhookFormat = {
  dialect: NATIVE_DIALECT,
  wants(event, subscription) {
    if (event.type === 'webhook.test') return event.payload.subscriptionId === subscription.id;
    return subscription.events.includes(event.type);
  },
  body(event) {
    const { cursor: _cursor, ...shown } = presentEvent(event, '');
    return JSON.stringify(shown);
  },
  headers(delivery, subscription) {
    return standardWebhooksHeaders(subscription.secret, delivery.id, delivery.timestampSeconds, delivery.body);
  },
};
