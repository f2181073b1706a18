import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { hideConversationsOutsideScope } from '../conversation-visibility.ts';
import { actorOf } from '../../../domain/api-keys.ts';
import { scopeOf } from '../../../db/repos/conversation-scope.ts';
import { conversationFiltersOf } from '../../../db/repos/conversation-filters.ts';
import {
  findConversationWithPerson,
  listConversationsAfter,
  type ConversationCursor,
  type ConversationOrder,
} from '../../../domain/queries/conversation-list.ts';
import { assignConversation, handOff, markRead, resolveConversation } from '../../../domain/human-support.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { Id, IdParams, Nullable, Page, PageQuery, errors } from '../schemas.ts';
import { ConversationShape, ConversationWithPersonShape, TransitionShape } from '../shapes.ts';
import { presentConversation, withPerson, type PersonSummary } from '../presenters.ts';
import type { TransitionResult } from '../../../domain/conversation-transitions.ts';
import type { Conversation } from '../../../domain/model.ts';
import { channelKindsOf } from '../../../domain/service-window.ts';
import type { Db } from '../../../db/connect.ts';

const ListQuery = Type.Object(
  {
    ...PageQuery,
    inboxId: Type.Optional(Id),
    personId: Type.Optional(Id),
    status: Type.Optional(Type.Enum([...CONVERSATION_STATUSES])),
    priority: Type.Optional(Type.Enum([...PRIORITIES])),
    userId: Type.Optional(Id),
    roleId: Type.Optional(Id),
    tagId: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    search: Type.Optional(Type.String({ maxLength: 200 })),
    integrationId: Type.Optional(Id),
    showGroups: Type.Optional(Type.Boolean({ default: true })),
    onlyGroups: Type.Optional(Type.Boolean()),
    showOnlyUnread: Type.Optional(Type.Boolean()),
    pinnedFirst: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Pinned conversations (isFixed) first, then newest activity; its cursors are not interchangeable with those of the plain order',
      }),
    ),
    onlyArchived: Type.Optional(
      Type.Boolean({ default: false, description: 'Archived conversations are hidden by default; true lists the archived ones instead (only them)' }),
    ),
  },
  { additionalProperties: false },
);

/** Conversations as the native API shows them: with their channel's kind, which tells their service window. */
async function presented(db: Db, workspaceId: string, conversations: Conversation[]) {
  const kinds = await channelKindsOf(
    db,
    workspaceId,
    conversations.map((c) => c.channelId),
  );
  return conversations.map((c) => presentConversation({ ...c, channelKind: kinds.get(c.channelId) ?? null }));
}
/** As `presented`, with each conversation's person summary (list and get). */
async function presentedWithPeople(db: Db, workspaceId: string, conversations: Conversation[], people: (PersonSummary | null)[]) {
  return (await presented(db, workspaceId, conversations)).map((c, i) => withPerson(c, people[i] ?? null));
}
const presentOne = async (db: Db, workspaceId: string, c: Conversation) => (await presented(db, workspaceId, [c]))[0]!;
const transitionAnswer = async (db: Db, workspaceId: string, r: TransitionResult) => ({
  conversation: await presentOne(db, workspaceId, r.conversation),
  previousStatus: r.previousStatus,
});

export async function conversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  hideConversationsOutsideScope(app);

  app.get(
    '/conversations',
    {
      schema: {
        operationId: 'listConversations',
        summary: 'List conversations, newest activity first (pinned ones first with pinnedFirst), each with its person summary',
        querystring: ListQuery,
        response: { 200: Page(ConversationWithPersonShape) },
      },
    },
    async (request) => {
      const { workspaceId } = request.principal!;
      const q = request.query;
      const order = q.pinnedFirst ? 'pinnedFirst' : 'activity';
      const { items, next } = await listConversationsAfter(ctx, workspaceId, { ...conversationFiltersOf(q), scope: scopeOf(request.principal!) }, order, {
        after: q.cursor ? cursorOf(q.cursor, order) : null,
        limit: q.limit ?? 50,
      });
      return {
        data: await presentedWithPeople(
          ctx.db,
          workspaceId,
          items.map((i) => i.conversation),
          items.map((i) => i.person),
        ),
        nextCursor: next ? encodeCursor(order === 'pinnedFirst' ? [next.isFixed ? 1 : 0, next.lastActivityAt, next.id] : [next.lastActivityAt, next.id]) : null,
      };
    },
  );

  app.get(
    '/conversations/:id',
    {
      schema: {
        operationId: 'getConversation',
        summary: 'One conversation, with its person summary',
        params: IdParams,
        response: { 200: ConversationWithPersonShape, ...errors(404) },
      },
    },
    async (request) => {
      const { workspaceId } = request.principal!;
      const found = await findConversationWithPerson(ctx.db, workspaceId, request.params.id);
      if (!found) throw notFound('conversation', request.params.id);
      const [conversation] = await presentedWithPeople(ctx.db, workspaceId, [found.conversation], [found.person]);
      return conversation!;
    },
  );

  app.post(
    '/conversations/:id/assign',
    {
      schema: {
        operationId: 'assignConversation',
        summary: 'Give the conversation to an agent (→ ACTIVE) or take it away (userId null: ACTIVE → WAITING)',
        params: IdParams,
        body: Type.Object({ userId: Nullable(Id), roleId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        response: { 200: TransitionShape, ...errors(404) },
      },
    },
    async (request) =>
      transitionAnswer(
        ctx.db,
        request.principal!.workspaceId,
        await assignConversation(
          ctx,
          request.principal!.workspaceId,
          request.params.id,
          { userId: request.body.userId, roleId: request.body.roleId },
          actorOf(request.principal!),
        ),
      ),
  );

  app.post(
    '/conversations/:id/handoff',
    {
      schema: {
        operationId: 'handOffConversation',
        summary: 'Hand over to humans without an agent (→ WAITING)',
        params: IdParams,
        body: Type.Object({ roleId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }),
        response: { 200: TransitionShape, ...errors(404, 409) },
      },
    },
    async (request) =>
      transitionAnswer(
        ctx.db,
        request.principal!.workspaceId,
        await handOff(ctx, request.principal!.workspaceId, request.params.id, { roleId: request.body.roleId }, actorOf(request.principal!)),
      ),
  );

  app.post(
    '/conversations/:id/resolve',
    {
      schema: {
        operationId: 'resolveConversation',
        summary: 'Resolve (→ INACTIVE); an active support session closes as `resolved`',
        params: IdParams,
        response: { 200: TransitionShape, ...errors(404) },
      },
    },
    async (request) =>
      transitionAnswer(
        ctx.db,
        request.principal!.workspaceId,
        await resolveConversation(ctx, request.principal!.workspaceId, request.params.id, actorOf(request.principal!)),
      ),
  );

  app.post(
    '/conversations/:id/read',
    {
      schema: {
        operationId: 'markConversationRead',
        summary: 'Mark the conversation read (clears unreadCount)',
        params: IdParams,
        response: { 200: ConversationShape, ...errors(404) },
      },
    },
    async (request) => presentOne(ctx.db, request.principal!.workspaceId, await markRead(ctx, request.principal!.workspaceId, request.params.id)),
  );
}

/** The cursor of a list page, in the order it was made for; `pinnedFirst` ones carry whether the page ended among the pinned. */
function cursorOf(cursor: string, order: ConversationOrder): ConversationCursor {
  if (order === 'activity') {
    const [lastActivityAt, id] = decodeCursor(cursor, ['number', 'string']);
    return { isFixed: false, lastActivityAt, id };
  }
  const [fixed, lastActivityAt, id] = decodeCursor(cursor, ['number', 'number', 'string']);
  return { isFixed: fixed === 1, lastActivityAt, id };
}
