import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { requireExisting } from '../../../domain/lookups.ts';
import { openConversationWithPerson } from '../../../domain/conversations.ts';
import { updateConversation } from '../../../domain/conversation-attributes.ts';
import { applyConversationFilters, conversationFiltersOf } from '../../../db/repos/conversation-filters.ts';
import { conversationFromRow } from '../../../db/rows.ts';
import {
  conversationDetail,
  groupsByIds,
  messagesByIds,
  messagesWithQuotedBefore,
  namesByIds,
  peopleByIds,
  tagsByConversation,
  usersByIds,
} from '../../../db/repos/conversation-views.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { formattedDate } from '../formatted-date.ts';
import { presentJuriMessage } from '../presenters.ts';
import {
  Confirmation,
  sendJsonString,
  Cuid,
  GroupRef,
  JuriMessage,
  NamedRef,
  Nullable,
  NStr,
  PersonRef,
  Str,
  TagRef,
  UserRef,
  errors,
  isoOf,
  pageQuery,
  totalPages,
  pageOffset,
} from '../schemas.ts';

const UPDATED = 'Conversa atualizada com sucesso';

const ListQuery = Type.Object({
  inboxId: Cuid,
  ...pageQuery(20),
  status: Type.Optional(Type.Enum([...CONVERSATION_STATUSES])),
  priority: Type.Optional(Type.Enum([...PRIORITIES])),
  userId: Type.Optional(Cuid),
  roleId: Type.Optional(Cuid),
  tagId: Type.Optional(Type.Array(Cuid, { maxItems: 50 })),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  integrationId: Type.Optional(Cuid),
  showGroups: Type.Optional(Type.Boolean({ default: true })),
  onlyGroups: Type.Optional(Type.Boolean({ default: false })),
  showOnlyUnread: Type.Optional(Type.Boolean({ default: false })),
  onlyArchived: Type.Optional(
    Type.Boolean({ default: false, description: 'Archived conversations are hidden by default; true lists the archived ones instead (only them)' }),
  ),
});

const ListItem = Type.Object({
  id: Str,
  status: Str,
  priority: Str,
  isFixed: Type.Boolean(),
  isGroup: Type.Boolean(),
  isPrivate: Type.Boolean(),
  isArchived: Type.Boolean(),
  responsables: Type.Array(Str),
  person: Nullable(PersonRef),
  group: Nullable(GroupRef),
  user: Nullable(UserRef),
  formattedDate: Str,
  createdAt: Str,
  updatedAt: Str,
  unreadCount: Type.Integer(),
  role: Nullable(NamedRef),
  tags: Type.Array(TagRef),
  inbox: NamedRef,
  integration: Nullable(NamedRef),
  lastMessage: Nullable(
    Type.Object({
      id: Str,
      content: NStr,
      type: Str,
      messageAt: Str,
      userId: NStr,
      userName: NStr,
      isViewedBySameUserLastMessage: Type.Boolean(),
    }),
  ),
});

const Participant = Type.Object({ id: Str, name: NStr, isAgent: Type.Boolean(), isMember: Type.Boolean(), imageUrl: NStr, phoneNumber: NStr });

const Detail = Type.Object({
  data: Type.Object({
    id: Str,
    status: Str,
    priority: Str,
    person: Nullable(PersonRef),
    user: Nullable(UserRef),
    tags: Type.Array(TagRef),
    participants: Type.Array(Participant),
    messages: Type.Array(JuriMessage),
    isGroup: Type.Boolean(),
    group: Nullable(GroupRef),
    inboxId: Str,
    createdAt: Str,
    updatedAt: Str,
  }),
  hasMore: Type.Boolean(),
  nextCursor: Type.Optional(Str),
});

const ConversationParams = Type.Object({ conversationId: Cuid });

export async function conversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/conversation',
    {
      schema: {
        operationId: 'jurichatListConversations',
        summary: 'List conversations of an inbox: pinned first, then newest activity',
        querystring: ListQuery,
        response: { 200: Type.Object({ data: Type.Array(ListItem), totalResults: Type.Integer(), totalPages: Type.Integer() }), ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const q = request.query;
      const page = q.page ?? 1;
      const limit = q.limit ?? 20;
      await requireExisting(db, 'inboxes', ws, q.inboxId);
      const filters = conversationFiltersOf(q);
      // The page's ids come from the list index alone (a deferred join), so a deep page skips index entries, not rows.
      const [count, idRows] = await Promise.all([
        applyConversationFilters(
          db.selectFrom('conversations as c').select((eb) => eb.fn.countAll<number>().as('n')),
          ws,
          filters,
        ).executeTakeFirstOrThrow(),
        applyConversationFilters(db.selectFrom('conversations as c').select('c.id'), ws, filters)
          .orderBy('c.is_fixed', 'desc')
          .orderBy('c.last_activity_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(limit)
          .offset(pageOffset(page, limit))
          .execute(),
      ]);
      const total = Number(count.n);
      const ids = idRows.map((r) => r.id);
      if (ids.length === 0) return { data: [], totalResults: total, totalPages: totalPages(total, limit) };
      const rows = await db.selectFrom('conversations').selectAll().where('workspace_id', '=', ws).where('id', 'in', ids).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const ordered = ids.map((id) => byId.get(id)!).filter(Boolean);
      const lastMessages = await messagesByIds(
        db,
        ws,
        ordered.map((r) => r.last_message_id),
      );
      const [people, groups, users, roles, inboxes, channels, tags] = await Promise.all([
        peopleByIds(
          db,
          ws,
          ordered.map((r) => r.person_id),
        ),
        groupsByIds(
          db,
          ws,
          ordered.map((r) => r.group_id),
        ),
        usersByIds(db, ws, [...ordered.map((r) => r.assignee_user_id), ...[...lastMessages.values()].map((m) => m.senderUserId)]),
        namesByIds(
          db,
          'roles',
          ws,
          ordered.map((r) => r.role_id),
        ),
        namesByIds(
          db,
          'inboxes',
          ws,
          ordered.map((r) => r.inbox_id),
        ),
        namesByIds(
          db,
          'channels',
          ws,
          ordered.map((r) => r.channel_id),
        ),
        tagsByConversation(db, ws, ids),
      ]);
      const data = ordered.map((r) => {
        const person = r.person_id ? (people.get(r.person_id) ?? null) : null;
        const group = r.group_id ? (groups.get(r.group_id) ?? null) : null;
        const user = r.assignee_user_id ? (users.get(r.assignee_user_id) ?? null) : null;
        const role = r.role_id ? (roles.get(r.role_id) ?? null) : null;
        const last = r.last_message_id ? (lastMessages.get(r.last_message_id) ?? null) : null;
        const sender = last?.senderUserId ? (users.get(last.senderUserId) ?? null) : null;
        return {
          id: r.id,
          status: r.status,
          priority: r.priority,
          isFixed: r.is_fixed === 1,
          isGroup: r.is_group === 1,
          isPrivate: r.is_private === 1,
          isArchived: r.is_archived === 1,
          responsables: r.assignee_user_id ? [r.assignee_user_id] : [],
          person: person && { id: person.id, name: person.name, imageUrl: person.imageUrl, phoneNumber: person.phoneNumber },
          group: group && { id: group.id, name: group.name, externalId: group.externalId, imageUrl: group.imageUrl },
          user: user && { id: user.id, name: user.name, imageUrl: user.imageUrl },
          formattedDate: formattedDate(r.last_activity_at),
          createdAt: isoOf(r.created_at),
          updatedAt: isoOf(r.updated_at),
          unreadCount: r.unread_count,
          role: role && { id: role.id, name: role.name },
          tags: tags.get(r.id) ?? [],
          inbox: inboxes.get(r.inbox_id) ?? { id: r.inbox_id, name: '' },
          integration: channels.get(r.channel_id) ?? null,
          lastMessage: last && {
            id: last.id,
            content: last.content,
            type: last.type,
            messageAt: isoOf(last.messageAt),
            userId: sender?.id ?? null,
            userName: sender?.name ?? null,
            isViewedBySameUserLastMessage: false,
          },
        };
      });
      return { data, totalResults: total, totalPages: totalPages(total, limit) };
    },
  );

  app.get(
    '/conversation/:conversationId',
    {
      schema: {
        operationId: 'jurichatGetConversation',
        summary: 'One conversation with a page of messages: newest page first, each page oldest-first; pass nextCursor for older ones',
        params: ConversationParams,
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })), limit: pageQuery(50).limit }),
        response: { 200: Detail, ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { conversationId } = request.params;
      const limit = request.query.limit ?? 50;
      const before = request.query.cursor ? decodeCursor(request.query.cursor, ['number', 'string']) : null;
      // The page runs beside the detail: it is filtered by workspace too, and discarded when the conversation is not found.
      const [found, newestFirst] = await Promise.all([
        conversationDetail(db, ws, conversationId),
        messagesWithQuotedBefore(db, ws, conversationId, before, limit + 1),
      ]);
      if (!found) throw notFound('conversation', conversationId);
      const c = conversationFromRow(found.row, []);
      // A 1:1 conversation has its person and no members; a group, its members and no person.
      const { person, group, members, agents } = found;
      const hasMore = newestFirst.length > limit;
      const page = newestFirst.slice(0, limit).reverse();
      const user = c.assigneeUserId
        ? (agents.find((a) => a.id === c.assigneeUserId)?.user ?? (await usersByIds(db, ws, [c.assigneeUserId])).get(c.assigneeUserId) ?? null)
        : null;
      const participants = [
        ...(person
          ? [{ id: person.id, name: person.name, isAgent: false, isMember: true, imageUrl: person.imageUrl, phoneNumber: person.phoneNumber }]
          : members),
        ...agents.map(({ user: _user, ...participant }) => participant),
      ];
      const oldest = page[0]?.message;
      return {
        data: {
          id: c.id,
          status: c.status,
          priority: c.priority,
          person: person && { id: person.id, name: person.name, phoneNumber: person.phoneNumber, imageUrl: person.imageUrl },
          user: user && { id: user.id, name: user.name, imageUrl: user.imageUrl },
          tags: found.tags,
          participants,
          messages: page.map(({ message, quoted }) => presentJuriMessage(message, quoted, c.isGroup)),
          isGroup: c.isGroup,
          group: group && { id: group.id, name: group.name, externalId: group.externalId, imageUrl: group.imageUrl },
          inboxId: c.inboxId,
          createdAt: isoOf(c.createdAt),
          updatedAt: isoOf(c.updatedAt),
        },
        hasMore,
        ...(hasMore && oldest ? { nextCursor: encodeCursor([oldest.messageAt, oldest.id]) } : {}),
      };
    },
  );

  app.post(
    '/conversation',
    {
      schema: {
        operationId: 'jurichatCreateConversation',
        summary: "Create a 1:1 conversation, or return the person's existing one in that inbox",
        body: Type.Object(
          { personId: Cuid, inboxId: Cuid, integrationId: Cuid, priority: Type.Optional(Type.Enum([...PRIORITIES])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ conversation: Type.Object({ id: Str }), person: Type.Object({ id: Str, name: NStr }) }), ...errors(404) },
      },
    },
    async (request) => {
      const { personId, inboxId, integrationId, priority } = request.body;
      const { conversation, person } = await openConversationWithPerson(
        app.ctx,
        {
          workspaceId: request.principal!.workspaceId,
          personId,
          inboxId,
          channelId: integrationId,
          priority,
        },
        { type: 'api_key', id: request.principal!.apiKeyId },
      );
      return { conversation: { id: conversation.id }, person };
    },
  );

  app.patch(
    '/conversation/:conversationId',
    {
      schema: {
        operationId: 'jurichatUpdateConversation',
        summary: 'Update pin, priority, tags (replaces), role (queue) or AI agent; unknown fields are refused',
        params: ConversationParams,
        body: Type.Object(
          {
            isFixed: Type.Optional(Type.Boolean()),
            priority: Type.Optional(Type.Enum([...PRIORITIES])),
            tags: Type.Optional(Type.Array(Cuid, { maxItems: 100 })),
            roleId: Type.Optional(Nullable(Cuid)),
            agentId: Type.Optional(Nullable(Cuid)),
          },
          { additionalProperties: false },
        ),
        response: { 200: Confirmation, ...errors(404) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      await updateConversation(
        app.ctx,
        request.principal!.workspaceId,
        request.params.conversationId,
        { isFixed: b.isFixed, priority: b.priority, tagIds: b.tags, roleId: b.roleId, agentId: b.agentId },
        { type: 'api_key', id: request.principal!.apiKeyId },
      );
      return sendJsonString(reply, UPDATED);
    },
  );

  app.patch(
    '/conversation/:conversationId/archive',
    {
      schema: {
        operationId: 'jurichatArchiveConversation',
        summary: 'Archive or unarchive a conversation',
        params: ConversationParams,
        body: Type.Object({ isArchived: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Confirmation, ...errors(404) },
      },
    },
    async (request, reply) => {
      await updateConversation(
        app.ctx,
        request.principal!.workspaceId,
        request.params.conversationId,
        { isArchived: request.body.isArchived },
        { type: 'api_key', id: request.principal!.apiKeyId },
      );
      return sendJsonString(reply, UPDATED);
    },
  );
}
