import type { DomainEvent } from '../domain/model.ts';

/** A webhook subscription as the outbox sees it; each dialect keeps its own settings in it. */
export interface Subscription {
  id: string;
  workspaceId: string;
  /** Which dialect formats and signs its deliveries (`jurichat`, `jelou`, …). */
  dialect: string;
  url: string;
  secret: string;
  events: string[];
  isActive: boolean;
  headers: Record<string, string> | null;
  authType: string | null;
  authorization: string | null;
}

/** A subscription as its dialect's management routes show it. */
export interface WebhookSubscription extends Subscription {
  name: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * The seam between the outbox and the dialects: a dialect module says how it selects, formats and
 * signs deliveries; the outbox and dispatcher know nothing of vendor shapes.
 */
export interface WebhookFormat {
  dialect: string;
  /** Does this subscription receive this event? (its event list, the session state, …) */
  wants(event: DomainEvent, subscription: Subscription): boolean;
  /** The exact body; computed once when the delivery is created and resent byte for byte. */
  body(event: DomainEvent, subscription: Subscription): string;
  /** Headers of one attempt (signatures, auth); `timestampSeconds` is the attempt's send time. */
  headers(delivery: { id: string; body: string; timestampSeconds: number }, subscription: Subscription): Record<string, string>;
}
