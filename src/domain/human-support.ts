import { sql } from 'kysely';
import type { Ctx, Actor } from './context.ts';
import type { Conversation, SupportSession } from './model.ts';
import { DomainError, notFound } from './errors.ts';
import { lockConversation } from './conversations.ts';
import { applyTrigger, type TransitionResult } from './conversation-transitions.ts';
import { requireExisting } from './lookups.ts';
import type { Trigger } from './state-machine.ts';
import type { Tx } from '../db/repos/tx.ts';

async function onLockedConversation<T>(ctx: Ctx, workspaceId: string, conversationId: string, work: (trx: Tx, c: Conversation) => Promise<T>): Promise<T> {
  return ctx.transact(async (trx) => {
    const conversation = await lockConversation(ctx, trx, workspaceId, conversationId);
    if (!conversation) throw notFound('conversation', conversationId);
    return work(trx, conversation);
  });
}

/** An agent takes the conversation (→ ACTIVE), or `userId: null` removes the agent (ACTIVE → WAITING). */
export async function assignConversation(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  input: { userId: string | null; roleId?: string | null },
  actor: Actor,
): Promise<TransitionResult> {
  return onLockedConversation(ctx, workspaceId, conversationId, async (trx, c) => {
    if (input.userId) await requireExisting(trx, 'users', workspaceId, input.userId);
    if (input.roleId) await requireExisting(trx, 'roles', workspaceId, input.roleId);
    const trigger: Trigger = input.userId ? 'agent_assigned' : 'agent_unassigned';
    return applyTrigger(ctx, trx, c, trigger, { actor, assigneeUserId: input.userId, roleId: input.roleId });
  });
}

/** Hand over to humans without an agent (→ WAITING), optionally to a role (queue). */
export async function handOff(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  input: { roleId?: string | null },
  actor: Actor,
): Promise<TransitionResult> {
  return onLockedConversation(ctx, workspaceId, conversationId, async (trx, c) => {
    if (input.roleId) await requireExisting(trx, 'roles', workspaceId, input.roleId);
    return applyTrigger(ctx, trx, c, 'handoff', { actor, roleId: input.roleId });
  });
}

/** Human support ends: back to the bot (→ ROBOT_INTERACTIVE), the session closes. Idempotent. */
export async function endHumanSupport(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  input: { reason?: string; redirectPayload?: Record<string, unknown> | null },
  actor: Actor,
): Promise<TransitionResult> {
  return onLockedConversation(ctx, workspaceId, conversationId, (trx, c) =>
    applyTrigger(ctx, trx, c, 'support_ended', { actor, endedReason: input.reason, redirectPayload: input.redirectPayload ?? null }),
  );
}

/** Native resolve (→ INACTIVE); closes an active session with `resolved`. */
export async function resolveConversation(ctx: Ctx, workspaceId: string, conversationId: string, actor: Actor): Promise<TransitionResult> {
  return onLockedConversation(ctx, workspaceId, conversationId, (trx, c) => applyTrigger(ctx, trx, c, 'resolved', { actor }));
}

/** Clears the unread counter. */
export async function markRead(ctx: Ctx, workspaceId: string, conversationId: string): Promise<Conversation> {
  return onLockedConversation(ctx, workspaceId, conversationId, async (trx, c) => {
    if (c.unreadCount !== 0) {
      await trx.updateTable('conversations').set({ unread_count: 0 }).where('workspace_id', '=', workspaceId).where('id', '=', conversationId).execute();
    }
    const channel = await trx.selectFrom('channels').select('kind').where('workspace_id', '=', workspaceId).where('id', '=', c.channelId).executeTakeFirst();
    await (channel && ctx.channelKinds.get(channel.kind)?.onRead?.(ctx, trx, workspaceId, conversationId));
    return { ...c, unreadCount: 0 };
  });
}

// bigint arithmetic on both engines: minutes × 60000 overflows a 32-bit integer.
const cutoffOf = (now: number) => sql<number>`cast(${now} as bigint) - cast(i.inactivity_timeout_minutes as bigint) * 60000`;

/** Conversations idle past their inbox's timeout go INACTIVE; returns how many moved. */
export async function sweepInactive(ctx: Ctx, now = Date.now(), batch = 100): Promise<number> {
  const candidates = await ctx.db
    .selectFrom('conversations as c')
    .innerJoin('inboxes as i', (j) => j.onRef('i.workspace_id', '=', 'c.workspace_id').onRef('i.id', '=', 'c.inbox_id'))
    .select(['c.workspace_id', 'c.id', 'c.last_activity_at', 'c.updated_at', 'i.inactivity_timeout_minutes'])
    .where('c.status', '!=', 'INACTIVE')
    .where('c.last_activity_at', '<', cutoffOf(now))
    .where('c.updated_at', '<', cutoffOf(now))
    .limit(batch)
    .execute();
  let moved = 0;
  for (const c of candidates) {
    const cutoff = now - c.inactivity_timeout_minutes * 60000;
    await onLockedConversation(ctx, c.workspace_id, c.id, async (trx, conv) => {
      if (conv.status === 'INACTIVE' || conv.lastActivityAt >= cutoff || conv.updatedAt >= cutoff) return;
      await applyTrigger(ctx, trx, conv, 'inactivity', { actor: { type: 'system', id: null } });
      moved++;
    });
  }
  return moved;
}

export type { SupportSession };

/**
 * JuriChat's start-human-support: an agent takes the conversation. `userId: 'random'` picks the
 * least-loaded user who can see the inbox (fewest ACTIVE conversations, then oldest id); none → 400.
 * Repeating it is harmless: the same agent on an ACTIVE conversation changes nothing.
 */
export async function startHumanSupport(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  pick: { userId: string } | { random: true },
  actor: Actor,
): Promise<TransitionResult> {
  return onLockedConversation(ctx, workspaceId, conversationId, async (trx, c) => {
    let userId: string;
    if ('userId' in pick) {
      await requireExisting(trx, 'users', workspaceId, pick.userId);
      userId = pick.userId;
    } else if (c.status === 'ACTIVE' && c.assigneeUserId) {
      userId = c.assigneeUserId;
    } else {
      const candidate = await leastLoadedUser(trx, workspaceId, c.inboxId);
      if (!candidate) throw new DomainError('invalid', 'No user available in this inbox to take the conversation', 'no_available_user');
      userId = candidate;
    }
    return applyTrigger(ctx, trx, c, 'agent_assigned', { actor, assigneeUserId: userId });
  });
}

async function leastLoadedUser(trx: Tx, workspaceId: string, inboxId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('users as u')
    .select([
      'u.id',
      (eb) =>
        eb
          .selectFrom('conversations as c')
          .select((e) => e.fn.countAll().as('n'))
          .whereRef('c.workspace_id', '=', 'u.workspace_id')
          .whereRef('c.assignee_user_id', '=', 'u.id')
          .where('c.status', '=', 'ACTIVE')
          .as('load'),
    ])
    .where('u.workspace_id', '=', workspaceId)
    .where('u.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('u.all_inboxes', '=', 1),
        eb.exists(
          eb
            .selectFrom('user_inboxes as ui')
            .select('ui.user_id')
            .whereRef('ui.workspace_id', '=', 'u.workspace_id')
            .whereRef('ui.user_id', '=', 'u.id')
            .where('ui.inbox_id', '=', inboxId),
        ),
      ]),
    )
    .orderBy('load')
    .orderBy('u.id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
