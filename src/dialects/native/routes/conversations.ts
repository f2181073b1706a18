import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SelectQueryBuilder } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { hideConversationsOutsideScope } from '../conversation-visibility.ts';
import { actorOf } from '../../../domain/api-keys.ts';
import { scopeOf } from '../../../db/repos/conversation-scope.ts';
import { conversationTagIds } from '../../../db/repos/conversations.ts';
import { applyConversationFilters, conversationFiltersOf } from '../../../db/repos/conversation-filters.ts';
import { conversationFromRow } from '../../../db/rows.ts';
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
      const limit = q.limit ?? 50;
      const filtered = () =>
        applyConversationFilters(ctx.db.selectFrom('conversations as c').selectAll('c'), workspaceId, {
          ...conversationFiltersOf(q),
          scope: scopeOf(request.principal!),
        });
      // One keyset page on (last activity, id), newest first; the person's name and phone come with it (one query, not one per row).
      const pageAfter = (query: ReturnType<typeof filtered>, after: readonly [number, string] | null, count: number) =>
        withPersonSummary(after ? query.where((eb) => eb(eb.refTuple('c.last_activity_at', 'c.id'), '<', eb.tuple(after[0], after[1]))) : query)
          .orderBy('c.last_activity_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(count)
          .execute();
      let rows: Awaited<ReturnType<typeof pageAfter>>;
      if (q.pinnedFirst) {
        // Pinned first: the pinned ones by activity, then the others by activity — two index walks
        // instead of sorting the whole workspace on (pinned, activity) for every page.
        const [fixed, at, id] = q.cursor ? decodeCursor(q.cursor, ['number', 'number', 'string']) : [1, 0, ''];
        const after = q.cursor ? ([at, id] as const) : null;
        rows = fixed === 1 ? await pageAfter(filtered().where('c.is_fixed', '=', 1), after, limit + 1) : [];
        if (rows.length <= limit)
          rows = [...rows, ...(await pageAfter(filtered().where('c.is_fixed', '=', 0), fixed === 1 ? null : after, limit + 1 - rows.length))];
      } else {
        rows = await pageAfter(filtered(), q.cursor ? decodeCursor(q.cursor, ['number', 'string']) : null, limit + 1);
      }
      const page = rows.slice(0, limit);
      const tags = await tagsOf(
        ctx.db,
        workspaceId,
        page.map((r) => r.id),
      );
      const last = page[page.length - 1];
      return {
        data: await presentedWithPeople(
          ctx.db,
          workspaceId,
          page.map((r) => conversationFromRow(r, tags.get(r.id) ?? [])),
          page.map(personOf),
        ),
        nextCursor:
          rows.length > limit && last ? encodeCursor(q.pinnedFirst ? [last.is_fixed, last.last_activity_at, last.id] : [last.last_activity_at, last.id]) : null,
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
      const row = await withPersonSummary(
        ctx.db.selectFrom('conversations as c').selectAll('c').where('c.workspace_id', '=', workspaceId).where('c.id', '=', request.params.id),
      ).executeTakeFirst();
      if (!row) throw notFound('conversation', request.params.id);
      const [conversation] = await presentedWithPeople(
        ctx.db,
        workspaceId,
        [conversationFromRow(row, await conversationTagIds(ctx.db, workspaceId, row.id))],
        [personOf(row)],
      );
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

type ConversationQuery<O> = SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>;

/** The conversation rows with their person's id, name and phone (a left join in the same workspace: never another workspace's person). */
function withPersonSummary<O>(query: ConversationQuery<O>) {
  return query
    .leftJoin('people as p', (join) => join.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.person_id'))
    .select(['p.id as summary_person_id', 'p.name as summary_person_name', 'p.phone_number as summary_person_phone']);
}

function personOf(r: { summary_person_id: string | null; summary_person_name: string | null; summary_person_phone: string | null }): PersonSummary | null {
  return r.summary_person_id ? { id: r.summary_person_id, name: r.summary_person_name, phoneNumber: r.summary_person_phone } : null;
}

async function tagsOf(db: FastifyInstance['ctx']['db'], workspaceId: string, conversationIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (conversationIds.length === 0) return map;
  const rows = await db
    .selectFrom('conversation_tags')
    .select(['conversation_id', 'tag_id'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', 'in', conversationIds)
    .orderBy('tag_id')
    .execute();
  for (const r of rows) (map.get(r.conversation_id) ?? map.set(r.conversation_id, []).get(r.conversation_id)!).push(r.tag_id);
  return map;
}
