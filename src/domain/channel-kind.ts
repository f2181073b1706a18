import type { Channel, ExternalStatus, Message } from './model.ts';
import type { Ctx } from './context.ts';
import type { Tx } from '../db/repos/tx.ts';

/** What a channel kind's config checks may depend on. */
export interface ChannelSettings {
  /** CONVERSAS_ALLOW_PRIVATE_WEBHOOKS: URLs the server calls may point at private addresses. */
  allowPrivateUrls: boolean;
  publicUrl: string;
}

/** How an outbound message starts its life on a channel. */
export interface OutboundStart {
  externalId: string | null;
  externalStatus: ExternalStatus;
  /** Handed to the channel's sender through the channel outbox, after the commit. */
  queued: boolean;
}

/**
 * The part of a channel module the domain sees (carried on Ctx): how its config is checked,
 * stored and shown, and how its outbound messages start. Routes and senders live in the module.
 */
export interface ChannelKind {
  kind: string;
  /** The config as stored, from what a create (`previous` null) or PATCH wrote; throws a DomainError naming the field. */
  storedConfig(input: Record<string, unknown>, previous: Record<string, unknown> | null, settings: ChannelSettings): Record<string, unknown>;
  /** The config as every read shows it: secrets as hints, never their value. */
  shownConfig(config: Record<string, unknown>): Record<string, unknown>;
  /** Fields every read of such a channel adds (webhook URL, health). */
  shownExtras?(channel: Channel, settings: ChannelSettings): Record<string, unknown>;
  /** A key unique among the live channels of the whole installation (a phone number id), or null. */
  installationKey?(config: Record<string, unknown>): string | null;
  outbound(message: Message): OutboundStart;
  /** Free-form messages are refused once the person's last inbound message is older than this. */
  serviceWindowMs?: number;
  /** The message templates the network approved for this channel (WhatsApp); absent where there are none. */
  templates?(channel: Channel, settings: ChannelSettings): Promise<unknown[]>;
  /** An agent read the conversation: tell the network (WhatsApp read receipts), in the caller's transaction. */
  onRead?(ctx: Ctx, trx: Tx, workspaceId: string, conversationId: string): Promise<void>;
}
