import { api, type Conversation } from '../api.ts';
import { applyConversation } from '../list-state.ts';
import { session } from '../state.ts';

/** What the native API answers to a status change. */
interface Transition {
  conversation: Conversation;
  previousStatus: Conversation['status'];
}

const base = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

async function transition(id: string, action: 'assign' | 'handoff' | 'resolve', body: unknown = {}): Promise<Conversation> {
  const { conversation } = await api<Transition>('POST', `${base(id)}/${action}`, body);
  applyConversation(conversation);
  return conversation;
}

/** Take over: human support, assigned to the signed-in agent (→ ACTIVE). */
export const takeOver = (id: string) => transition(id, 'assign', { userId: session.value?.user.id ?? null });
/** Assign to an agent (null unassigns: an ACTIVE conversation goes back to WAITING). */
export const assignTo = (id: string, userId: string | null) => transition(id, 'assign', { userId });
/** Hand to a queue (→ WAITING), optionally a role's. */
export const handOff = (id: string, roleId?: string) => transition(id, 'handoff', roleId ? { roleId } : {});
/** Resolve (→ INACTIVE). */
export const resolve = (id: string) => transition(id, 'resolve');
