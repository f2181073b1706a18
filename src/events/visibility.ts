import type { Principal } from '../domain/api-keys.ts';
import type { DomainEvent } from '../domain/model.ts';

interface ScopedPayload {
  conversation?: { inboxId?: string; assigneeUserId?: string | null };
  person?: { inboxId?: string };
}

/**
 * Whether a caller may see an event of the live stream (`GET /api/v1/events/stream`). API keys and
 * admins see every event of their workspace. An agent sees the events of conversations in their
 * inboxes (only those assigned to them with `onlyAssignedConversations`) and of people in their
 * inboxes; nothing else (webhook tests). Synchronous and cheap: it runs once per event per stream.
 */
export function eventVisibleTo(principal: Principal, event: DomainEvent): boolean {
  if (principal.workspaceId !== event.workspaceId) return false;
  if (principal.access !== 'agent') return true;
  const payload = event.payload as ScopedPayload;
  const inboxId = payload.conversation?.inboxId ?? payload.person?.inboxId;
  if (!inboxId) return false;
  if (principal.inboxIds !== null && !principal.inboxIds.includes(inboxId)) return false;
  if (payload.conversation && principal.onlyAssignedConversations) return payload.conversation.assigneeUserId === principal.userId;
  return true;
}
