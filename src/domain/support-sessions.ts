import type { Ctx, Actor } from './context.ts';
import type { Message, MessageType, Media, SupportSession } from './model.ts';
import { DomainError, conflict } from './errors.ts';
import { newId } from './ids.ts';
import { emailKey, isEmail } from './text.ts';
import { findOrCreateConversation, lockConversation } from './conversations.ts';
import { applyTrigger } from './conversation-transitions.ts';
import { isHumanSupport, type Trigger } from './state-machine.ts';
import { sendMessageInTransaction } from './send-message.ts';
import { findConversation } from '../db/repos/conversations.ts';
import { findMessageByKey } from '../db/repos/messages.ts';
import { sessionFromRow } from '../db/rows.ts';
import { ACTIVE_STATE } from '../db/literals.ts';
import { isUniqueViolation, type Tx } from '../db/repos/tx.ts';
import type { Db } from '../db/connect.ts';

/**
 * Support sessions as a use case of their own (Jelou's "conversations"): start one for a
 * (bot, person) pair, close it, read it, and send into it. Every status change goes through
 * applyTrigger; this module only resolves who is meant and keeps each use case in one transaction.
 */

export type AssignmentType = 'queue' | 'operator' | 'team';

export interface StartSessionInput {
  botId: string;
  /** A person id, or a person's referenceId, in the bot's inbox. */
  userId: string;
  initialMessage?: string | null;
  metadata?: Record<string, unknown> | null;
  /** queue/team → a role id or name (created when no role has that name); operator → a user id or e-mail. */
  assignment?: { type: AssignmentType; target: string } | null;
}

export interface CloseSessionInput {
  botId: string;
  userId: string;
  reason?: string | null;
  /** Kept on the session and in its close event as given; `{type: 'text', text}` is also sent to the person. */
  redirectPayload?: ({ type: string; text?: string | null } & Record<string, unknown>) | null;
}

/** A session with the person and bot it belongs to. */
export interface SessionView {
  session: SupportSession;
  person: { id: string; name: string | null; referenceId: string | null; createdAt: number } | null;
  bot: { id: string; name: string; type: string } | null;
}

type BotRow = { id: string; name: string; type: string; inbox_id: string; channel_id: string | null };
type PersonRow = { id: string; name: string | null; reference_id: string | null; created_at: number };

const notFoundAs = (reason: string, message: string) => new DomainError('not_found', message, reason);

async function liveBot(db: Db | Tx, ws: string, botId: string): Promise<BotRow> {
  const bot = await db
    .selectFrom('bots')
    .select(['id', 'name', 'type', 'inbox_id', 'channel_id'])
    .where('workspace_id', '=', ws)
    .where('id', '=', botId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!bot) throw notFoundAs('bot_not_found', `No bot ${botId} in this workspace`);
  return bot;
}

/** The person meant by `userId`: by id first, then by referenceId (the oldest such person), in the bot's inbox. */
async function resolvePerson(db: Db | Tx, ws: string, inboxId: string, userId: string): Promise<PersonRow> {
  const people = db
    .selectFrom('people')
    .select(['id', 'name', 'reference_id', 'created_at'])
    .where('workspace_id', '=', ws)
    .where('inbox_id', '=', inboxId)
    .where('deleted_at', 'is', null);
  const person =
    (await people.where('id', '=', userId).executeTakeFirst()) ?? (await people.where('reference_id', '=', userId).orderBy('id').limit(1).executeTakeFirst());
  if (!person) throw notFoundAs('person_not_found', `No person with id or referenceId ${userId} in the bot's inbox`);
  return person;
}

/** An operator: a live user by id, or by e-mail. */
async function resolveOperator(trx: Tx, ws: string, target: string): Promise<string> {
  const users = trx.selectFrom('users').select('id').where('workspace_id', '=', ws).where('deleted_at', 'is', null);
  const user =
    (await users.where('id', '=', target).executeTakeFirst()) ??
    (isEmail(target.trim()) ? await users.where('email_key', '=', emailKey(target)).executeTakeFirst() : undefined);
  if (!user) throw notFoundAs('user_not_found', `No user with id or e-mail ${target} in this workspace`);
  return user.id;
}

/** A queue/team: a live role by id, else by exact name; a name no role has yet becomes a new role. */
async function resolveRole(trx: Tx, ws: string, target: string): Promise<string> {
  const roles = trx.selectFrom('roles').select('id').where('workspace_id', '=', ws).where('deleted_at', 'is', null);
  const name = target.trim();
  const role = (await roles.where('id', '=', target).executeTakeFirst()) ?? (await roles.where('name', '=', name).orderBy('id').limit(1).executeTakeFirst());
  if (role) return role.id;
  const now = Date.now();
  const id = newId();
  await trx.insertInto('roles').values({ workspace_id: ws, id, name, created_at: now, updated_at: now, deleted_at: null }).execute();
  return id;
}

async function activeSessionOfPair(db: Db | Tx, ws: string, botId: string, personId: string): Promise<SupportSession | null> {
  const row = await db
    .selectFrom('support_sessions')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('bot_id', '=', botId)
    .where('person_id', '=', personId)
    .where('state', '=', ACTIVE_STATE)
    .executeTakeFirst();
  return row ? sessionFromRow(row) : null;
}

async function activeSessionOfConversation(db: Db | Tx, ws: string, conversationId: string): Promise<SupportSession | null> {
  const row = await db
    .selectFrom('support_sessions')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('conversation_id', '=', conversationId)
    .where('state', '=', ACTIVE_STATE)
    .executeTakeFirst();
  return row ? sessionFromRow(row) : null;
}

const alreadyActive = (sessionId: string | null, botId: string, personId: string) =>
  conflict(
    sessionId
      ? `Bot ${botId} and person ${personId} already have an active support session: ${sessionId}`
      : `Bot ${botId} and person ${personId} are already in human support`,
    'session_already_active',
  );

const viewOf = (session: SupportSession, person: PersonRow | null, bot: BotRow | { id: string; name: string; type: string } | null): SessionView => ({
  session,
  person: person ? { id: person.id, name: person.name, referenceId: person.reference_id, createdAt: person.created_at } : null,
  bot: bot ? { id: bot.id, name: bot.name, type: bot.type } : null,
});

/**
 * The bot hands the person to humans: the person's conversation in the bot's inbox is found or
 * created, then moves to WAITING (with the queue's role) or, for an operator, ACTIVE with that
 * agent; the session opens with the initial message, metadata and assignment, and the initial
 * message is sent from the bot. One transaction: a refused start changes nothing.
 */
export async function startSupportSession(ctx: Ctx, workspaceId: string, input: StartSessionInput, actor: Actor): Promise<SessionView> {
  const ws = workspaceId;
  try {
    return await ctx.transact(async (trx) => {
      const bot = await liveBot(trx, ws, input.botId);
      const person = await resolvePerson(trx, ws, bot.inbox_id, input.userId);
      const assignment = input.assignment ?? null;
      const assigneeUserId = assignment?.type === 'operator' ? await resolveOperator(trx, ws, assignment.target) : null;

      const existing = await activeSessionOfPair(trx, ws, bot.id, person.id);
      if (existing) throw alreadyActive(existing.id, bot.id, person.id);
      if (!bot.channel_id)
        throw new DomainError('unprocessable', `Bot ${bot.id} has no channel to reach the person on`, 'bot_without_channel', { botId: ['has no channel'] });

      const roleId = assignment && assignment.type !== 'operator' ? await resolveRole(trx, ws, assignment.target) : undefined;
      const { conversation } = await findOrCreateConversation(
        ctx,
        trx,
        {
          workspaceId: ws,
          inboxId: bot.inbox_id,
          channelId: bot.channel_id,
          personId: person.id,
          status: 'INACTIVE',
        },
        actor,
      );
      if (isHumanSupport(conversation.status)) {
        throw alreadyActive((await activeSessionOfConversation(trx, ws, conversation.id))?.id ?? null, bot.id, person.id);
      }
      if (conversation.botId !== bot.id) {
        throw conflict(
          `Person ${person.id}'s conversation ${conversation.id} belongs to another bot (${conversation.botId ?? 'none'})`,
          'conversation_of_another_bot',
        );
      }

      const trigger: Trigger = assigneeUserId ? 'agent_assigned' : 'handoff';
      const initialMessage = input.initialMessage && input.initialMessage.trim() !== '' ? input.initialMessage : null;
      const { openedSession } = await applyTrigger(ctx, trx, conversation, trigger, {
        actor,
        assigneeUserId,
        roleId,
        session: { initialMessage, metadata: input.metadata ?? null, assignment },
      });
      if (!openedSession) throw alreadyActive(null, bot.id, person.id);
      if (initialMessage) {
        await sendMessageInTransaction(
          ctx,
          trx,
          { workspaceId: ws, conversationId: conversation.id, type: 'text', text: initialMessage, senderBotId: bot.id },
          actor,
        );
      }
      return viewOf(openedSession, person, bot);
    });
  } catch (error) {
    // Two starts for the same pair raced past the checks: the unique index on active (bot, person) decided.
    if (isUniqueViolation(error)) throw alreadyActive(null, input.botId, input.userId);
    throw error;
  }
}

/**
 * Human support ends for (bot, person): the active session closes with the reason and redirect
 * payload, the conversation goes back to the bot, and a `text` redirect is sent from the bot.
 */
export async function closeSupportSession(ctx: Ctx, workspaceId: string, input: CloseSessionInput, actor: Actor): Promise<SessionView> {
  const ws = workspaceId;
  return ctx.transact(async (trx) => {
    const bot = await liveBot(trx, ws, input.botId);
    const person = await resolvePerson(trx, ws, bot.inbox_id, input.userId);
    const noActive = () => notFoundAs('no_active_session', `Bot ${bot.id} and person ${person.id} have no active support session`);
    const active = await activeSessionOfPair(trx, ws, bot.id, person.id);
    if (!active) throw noActive();
    const conversation = await lockConversation(ctx, trx, ws, active.conversationId);
    if (!conversation) throw noActive();
    const redirectPayload = input.redirectPayload ?? null;
    const { closedSession } = await applyTrigger(ctx, trx, conversation, 'support_ended', {
      actor,
      endedReason: input.reason ?? 'closed_by_operator',
      redirectPayload,
    });
    // Another close committed while this one waited for the lock.
    if (!closedSession || closedSession.id !== active.id) throw noActive();
    if (redirectPayload?.type === 'text' && redirectPayload.text) {
      await sendMessageInTransaction(
        ctx,
        trx,
        { workspaceId: ws, conversationId: conversation.id, type: 'text', text: redirectPayload.text, senderBotId: bot.id },
        actor,
      );
    }
    return viewOf(closedSession, person, bot);
  });
}

/** One session of this workspace with its person and bot (deleted ones included: it is history). */
export async function getSupportSession(ctx: Ctx, workspaceId: string, sessionId: string): Promise<SessionView> {
  const row = await ctx.db.selectFrom('support_sessions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', sessionId).executeTakeFirst();
  if (!row) throw notFoundAs('session_not_found', `No support session ${sessionId} in this workspace`);
  const [person, bot] = await Promise.all([
    row.person_id
      ? ctx.db
          .selectFrom('people')
          .select(['id', 'name', 'reference_id', 'created_at'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', row.person_id)
          .executeTakeFirst()
      : undefined,
    row.bot_id
      ? ctx.db.selectFrom('bots').select(['id', 'name', 'type']).where('workspace_id', '=', workspaceId).where('id', '=', row.bot_id).executeTakeFirst()
      : undefined,
  ]);
  return viewOf(sessionFromRow(row), person ?? null, bot ?? null);
}

/** A conversation (room) of this workspace with the ids a caller checks a reply against. */
export async function findRoom(ctx: Ctx, workspaceId: string, conversationId: string) {
  const conversation = await findConversation(ctx.db, workspaceId, conversationId);
  if (!conversation) return null;
  const person = conversation.personId
    ? await ctx.db
        .selectFrom('people')
        .select(['id', 'reference_id'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', conversation.personId)
        .executeTakeFirst()
    : undefined;
  return { id: conversation.id, botId: conversation.botId, personId: conversation.personId, personReferenceId: person?.reference_id ?? null };
}

export interface SessionReply {
  type: MessageType;
  text?: string | null;
  media?: Media | null;
  /** The sender's own id for the message: a repeat is answered with the message it created. */
  clientMessageId: string;
}

/**
 * The support side answers in the conversation's active session: stored as OUTBOUND (from the
 * attending agent, if any) and sent to the channel. A repeated clientMessageId returns the first
 * message even once the session has closed; otherwise no active session → conflict.
 */
export async function replyInSession(
  ctx: Ctx,
  workspaceId: string,
  conversationId: string,
  reply: SessionReply,
  actor: Actor,
): Promise<{ message: Message; duplicate: boolean }> {
  const ws = workspaceId;
  return ctx.transact(async (trx) => {
    const conversation = await lockConversation(ctx, trx, ws, conversationId);
    if (!conversation) throw notFoundAs('conversation_not_found', `No conversation ${conversationId} in this workspace`);
    const earlier = await findMessageByKey(trx, ws, conversation.id, 'client_message_id', reply.clientMessageId);
    if (earlier) return { message: earlier, duplicate: true };
    if (!(await activeSessionOfConversation(trx, ws, conversation.id))) {
      throw conflict(`Conversation ${conversation.id} has no active support session`, 'no_active_session');
    }
    return sendMessageInTransaction(
      ctx,
      trx,
      {
        workspaceId: ws,
        conversationId: conversation.id,
        type: reply.type,
        text: reply.text ?? null,
        media: reply.media ?? null,
        clientMessageId: reply.clientMessageId,
        defaultToAssignee: true,
      },
      actor,
    );
  });
}
