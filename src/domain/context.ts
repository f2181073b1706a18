import type { Db } from '../db/connect.ts';
import type { Engine } from '../db/engine.ts';
import type { Transact } from '../db/commit-groups.ts';
import type { Channel, Message } from './model.ts';

/** What a channel answers when an outbound message is handed to it inside the sending transaction. */
export interface ChannelSendResult {
  externalId: string | null;
  externalStatus: 'pending' | 'sent';
}

export interface ChannelDriver {
  kind: string;
  send(channel: Channel, message: Message): ChannelSendResult;
}

export const ACTOR_TYPES = ['api_key', 'user', 'bot', 'channel', 'system', 'scheduler', 'integration'] as const;

/** Who or what caused a change; recorded on every event. */
export interface Actor {
  type: (typeof ACTOR_TYPES)[number];
  id: string | null;
}

export interface Ctx {
  db: Db;
  engine: Engine;
  /** Every change goes through here: one transaction, answered when durable (see src/db/commit-groups.ts). */
  transact: Transact;
  channelDrivers: Map<string, ChannelDriver>;
}

export const SYSTEM: Actor = { type: 'system', id: null };
