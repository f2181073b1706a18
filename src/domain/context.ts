import type { Db } from '../db/connect.ts';
import type { Engine } from '../db/engine.ts';
import type { EngineQuirks } from '../db/engine-quirks.ts';
import type { Transact } from '../db/commit-groups.ts';
import type { ChannelKind, ChannelSettings } from './channel-kind.ts';
import type { WebhookFormat } from '../events/webhook-formats.ts';

export const ACTOR_TYPES = ['api_key', 'user', 'bot', 'channel', 'system', 'scheduler', 'integration'] as const;

/** Who or what caused a change; recorded on every event. */
export interface Actor {
  type: (typeof ACTOR_TYPES)[number];
  id: string | null;
}

export interface Ctx {
  db: Db;
  engine: Engine;
  /** What differs between the engines, asked for by intent (row locks, claims): the domain never tests `engine`. */
  quirks: EngineQuirks;
  /** Every change goes through here: one transaction, answered when durable (see src/db/commit-groups.ts). */
  transact: Transact;
  /** The channel kinds of the modules the app was built with, by kind. */
  channelKinds: ReadonlyMap<string, ChannelKind>;
  /** How each dialect's webhook subscriptions are selected, formatted and signed, by dialect. */
  webhookFormats: ReadonlyMap<string, WebhookFormat>;
  channelSettings: ChannelSettings;
}

export const SYSTEM: Actor = { type: 'system', id: null };
