import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/repos/tx.ts';
import type { ChannelKind } from './channel-kind.ts';
import type { Conversation } from './model.ts';

/**
 * The customer-service window of each channel kind that has one (WhatsApp: 24 hours), by kind.
 * Registered as the domain's context is built; presenters read it without a context.
 */
const windows = new Map<string, number>();

export function registerServiceWindows(kinds: Iterable<ChannelKind>): void {
  for (const kind of kinds) if (kind.serviceWindowMs) windows.set(kind.kind, kind.serviceWindowMs);
}

/**
 * When the conversation's window closes (the rule `sendMessage` applies): the person's last inbound
 * message plus the kind's window; `createdAt` when they never wrote (closed from the start); null
 * when the channel kind has no window (sandbox) or is not known.
 */
export function serviceWindowClosesAt(channelKind: string | null | undefined, c: Pick<Conversation, 'lastInboundAt' | 'createdAt'>): number | null {
  const windowMs = channelKind ? windows.get(channelKind) : undefined;
  if (!windowMs) return null;
  const lastInboundAt = c.lastInboundAt ?? null;
  return lastInboundAt === null ? c.createdAt : lastInboundAt + windowMs;
}

/** The kind of each channel (a channel's kind never changes). */
export async function channelKindsOf(db: Db | Tx, workspaceId: string, channelIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(channelIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('channels').select(['id', 'kind']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.kind]));
}
