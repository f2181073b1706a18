import type { ConversationStatus } from './model.ts';

/** What can move a conversation (spec §2). */
export type Trigger =
  | 'inbound' // a message from the person
  | 'handoff' // handed to humans without an agent
  | 'agent_assigned' // an agent takes it
  | 'agent_unassigned' // the agent of an ACTIVE conversation is removed
  | 'support_ended' // human support ends (JuriChat end-human-support, Jelou close)
  | 'inactivity' // no message for the inbox's timeout
  | 'resolved'; // native resolve

export type Transition =
  | { kind: 'move'; to: ConversationStatus }
  | { kind: 'stay' } // allowed, nothing changes (idempotent repeats)
  | { kind: 'refused'; reason: string };

const HUMAN: readonly ConversationStatus[] = ['WAITING', 'ACTIVE'];

export const isHumanSupport = (status: ConversationStatus | null): boolean => status !== null && HUMAN.includes(status);

/** The state machine of spec §2 as one pure function; `null` is a conversation that does not exist yet. */
export function transition(from: ConversationStatus | null, trigger: Trigger): Transition {
  switch (trigger) {
    case 'inbound':
      return from === null || from === 'INACTIVE' ? { kind: 'move', to: 'ROBOT_INTERACTIVE' } : { kind: 'stay' };
    case 'handoff':
      if (from === 'ROBOT_INTERACTIVE' || from === 'INACTIVE') return { kind: 'move', to: 'WAITING' };
      if (from === 'WAITING') return { kind: 'stay' };
      return { kind: 'refused', reason: from === 'ACTIVE' ? 'an agent is already attending this conversation' : 'the conversation does not exist' };
    case 'agent_assigned':
      if (from === null) return { kind: 'refused', reason: 'the conversation does not exist' };
      return from === 'ACTIVE' ? { kind: 'stay' } : { kind: 'move', to: 'ACTIVE' };
    case 'agent_unassigned':
      return from === 'ACTIVE' ? { kind: 'move', to: 'WAITING' } : { kind: 'stay' };
    case 'support_ended':
      return isHumanSupport(from) ? { kind: 'move', to: 'ROBOT_INTERACTIVE' } : { kind: 'stay' };
    case 'inactivity':
    case 'resolved':
      if (from === null) return { kind: 'refused', reason: 'the conversation does not exist' };
      return from === 'INACTIVE' ? { kind: 'stay' } : { kind: 'move', to: 'INACTIVE' };
  }
}

/** Why a session closes when a trigger takes the conversation out of human support. */
export function endedReasonFor(trigger: Trigger): string {
  if (trigger === 'inactivity') return 'inactivity';
  if (trigger === 'resolved') return 'resolved';
  return 'closed_by_operator';
}
