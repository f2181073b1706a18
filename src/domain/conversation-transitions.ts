import type { Ctx, Actor } from './context.ts';
import type { Conversation, ConversationStatus, SupportSession } from './model.ts';
import { transition, isHumanSupport, endedReasonFor, type Trigger } from './state-machine.ts';
import { DomainError } from './errors.ts';
import { newId } from './ids.ts';
import { emitEvent } from '../events/outbox.ts';
import { conversationSnapshot } from './snapshots.ts';
import { updateConversationRow } from '../db/repos/conversations.ts';
import { sessionFromRow, toJson } from '../db/rows.ts';
import type { Tx } from '../db/repos/tx.ts';
import { ACTIVE_STATE } from '../db/literals.ts';

export interface TransitionOptions {
  actor: Actor;
  /** For agent_assigned: the agent; for agent_unassigned: null. */
  assigneeUserId?: string | null;
  /** Role (queue/team) to set; undefined leaves it. */
  roleId?: string | null;
  /** For a session that opens now. */
  session?: { initialMessage?: string | null; metadata?: Record<string, unknown> | null; assignment?: { type: string; target: string } | null };
  /** For a session that closes now. */
  endedReason?: string;
  redirectPayload?: Record<string, unknown> | null;
}

export interface TransitionResult {
  conversation: Conversation;
  previousStatus: ConversationStatus;
  openedSession: SupportSession | null;
  closedSession: SupportSession | null;
}

/**
 * The one place a conversation changes status, assignee or role: applies the state machine,
 * opens/closes the support session and emits the events of spec §2, in the caller's transaction.
 * The conversation must have been read with a row lock in this transaction.
 */
export async function applyTrigger(ctx: Ctx, trx: Tx, conversation: Conversation, trigger: Trigger, options: TransitionOptions): Promise<TransitionResult> {
  const step = transition(conversation.status, trigger);
  if (step.kind === 'refused') throw new DomainError('conflict', `Cannot ${trigger.replace('_', ' ')}: ${step.reason}`, 'invalid_transition');
  const now = Date.now();
  const ws = conversation.workspaceId;
  const previousStatus = conversation.status;
  const status = step.kind === 'move' ? step.to : conversation.status;

  let assignee = conversation.assigneeUserId;
  if (trigger === 'agent_assigned') assignee = options.assigneeUserId ?? null;
  if (trigger === 'agent_unassigned' || (status !== previousStatus && !isHumanSupport(status))) assignee = null;
  const roleId = options.roleId !== undefined ? options.roleId : conversation.roleId;

  const statusChanged = status !== previousStatus;
  const assigneeChanged = assignee !== conversation.assigneeUserId;
  const roleChanged = roleId !== conversation.roleId;
  const updated: Conversation = { ...conversation, status, assigneeUserId: assignee, roleId, updatedAt: now };
  if (statusChanged || assigneeChanged || roleChanged) {
    await updateConversationRow(trx, ws, conversation.id, { status, assignee_user_id: assignee, role_id: roleId, updated_at: now });
    if (assignee && assigneeChanged) {
      await trx
        .insertInto('conversation_agents')
        .values({ workspace_id: ws, conversation_id: conversation.id, user_id: assignee, first_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  } else {
    updated.updatedAt = conversation.updatedAt;
  }

  let openedSession: SupportSession | null = null;
  let closedSession: SupportSession | null = null;
  const wasHuman = isHumanSupport(previousStatus);
  const isHuman = isHumanSupport(status);
  if (!wasHuman && isHuman) {
    openedSession = await openSession(trx, updated, now, options);
  } else if (wasHuman && !isHuman) {
    closedSession = await closeActiveSession(trx, updated, now, options.endedReason ?? endedReasonFor(trigger), options.redirectPayload ?? null);
  }

  if (statusChanged || assigneeChanged || roleChanged || openedSession || closedSession) {
    const snapshot = await conversationSnapshot(trx, updated);
    if (statusChanged || roleChanged) {
      await emitEvent(ctx, trx, ws, 'conversation.updated', conversation.id, { conversation: snapshot, previousStatus, actor: options.actor, trigger });
    }
    if (assignee && assigneeChanged) {
      await emitEvent(ctx, trx, ws, 'conversation.assigned', conversation.id, {
        conversation: snapshot,
        previousStatus,
        actor: options.actor,
        previousAssigneeUserId: conversation.assigneeUserId,
      });
    }
    if (openedSession)
      await emitEvent(ctx, trx, ws, 'support_session.started', conversation.id, { conversation: snapshot, session: openedSession, actor: options.actor });
    if (closedSession)
      await emitEvent(ctx, trx, ws, 'support_session.closed', conversation.id, { conversation: snapshot, session: closedSession, actor: options.actor });
  }
  return { conversation: updated, previousStatus, openedSession, closedSession };
}

async function openSession(trx: Tx, c: Conversation, now: number, options: TransitionOptions): Promise<SupportSession> {
  const s = options.session ?? {};
  const row = {
    workspace_id: c.workspaceId,
    id: newId(),
    conversation_id: c.id,
    bot_id: c.botId,
    person_id: c.personId,
    state: 'active',
    start_at: now,
    end_at: null,
    ended_reason: null,
    initial_message: s.initialMessage ?? null,
    metadata: toJson(s.metadata ?? null),
    assignment_type: s.assignment?.type ?? null,
    assignment_target: s.assignment?.target ?? null,
    redirect_payload: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('support_sessions').values(row).execute();
  return sessionFromRow(row);
}

async function closeActiveSession(
  trx: Tx,
  c: Conversation,
  now: number,
  endedReason: string,
  redirectPayload: Record<string, unknown> | null,
): Promise<SupportSession | null> {
  const row = await trx
    .selectFrom('support_sessions')
    .selectAll()
    .where('workspace_id', '=', c.workspaceId)
    .where('conversation_id', '=', c.id)
    .where('state', '=', ACTIVE_STATE)
    .executeTakeFirst();
  if (!row) return null;
  const closed = { ...row, state: 'closed', end_at: now, ended_reason: endedReason, redirect_payload: toJson(redirectPayload), updated_at: now };
  await trx
    .updateTable('support_sessions')
    .set({ state: 'closed', end_at: now, ended_reason: endedReason, redirect_payload: closed.redirect_payload, updated_at: now })
    .where('workspace_id', '=', c.workspaceId)
    .where('id', '=', row.id)
    .execute();
  return sessionFromRow(closed);
}
