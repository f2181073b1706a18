import type { Principal } from '../domain/api-keys.ts';
import type { DomainEvent } from '../domain/model.ts';

/**
 * Whether a caller may see an event of the live stream (`GET /api/v1/events/stream`). Today every
 * principal of the event's workspace (an API key) sees all of its events.
 *
 * Agents' inbox scoping plugs in here: once a principal can be an agent (a session cookie), an
 * agent sees only events of conversations in the inboxes they belong to (only their own when the
 * inbox has `onlyAssignedConversations`), decided from the event's `conversationId` and payload.
 * Keep it synchronous and cheap: it runs once per event per open stream.
 */
export function eventVisibleTo(principal: Principal, event: DomainEvent): boolean {
  return principal.workspaceId === event.workspaceId;
}
