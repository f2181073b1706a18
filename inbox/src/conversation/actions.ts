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

/** Attributes that are not the status: pin and tags (PATCH answers the conversation). */
async function change(id: string, body: { isFixed?: boolean; tagIds?: string[] }): Promise<Conversation> {
  const conversation = await api<Conversation>('PATCH', base(id), body);
  applyConversation(conversation);
  return conversation;
}

export const setPinned = (id: string, isFixed: boolean) => change(id, { isFixed });
export const setTags = (id: string, tagIds: string[]) => change(id, { tagIds });

/** Mark unread: the list shows its unread count again. */
export async function markUnread(id: string): Promise<Conversation> {
  const conversation = await api<Conversation>('POST', `${base(id)}/unread`);
  applyConversation(conversation);
  return conversation;
}

/** Hand to a queue: WAITING without an agent, in the role's queue when one is chosen (an attended conversation loses its agent). */
export const handToQueue = (conversation: Conversation, roleId: string | null) =>
  conversation.status === 'ACTIVE'
    ? transition(conversation.id, 'assign', { userId: null, roleId })
    : transition(conversation.id, 'handoff', roleId ? { roleId } : {});
