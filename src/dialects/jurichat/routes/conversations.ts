import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONVERSATION_STATUSES, PRIORITIES } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { requireExisting } from '../../../domain/lookups.ts';
import { openConversationWithPerson } from '../../../domain/conversations.ts';
import { updateConversation } from '../../../domain/conversation-attributes.ts';
import { conversationFiltersOf } from '../../../db/repos/conversation-filters.ts';
import { conversationWithPage, usersByIds } from '../../../db/repos/conversation-views.ts';
import { conversationListRelations, listConversationsByPage } from '../../../domain/queries/conversation-list.ts';
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

export const Detail = Type.Object({
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
      const limit = q.limit ?? 20;
      await requireExisting(db, 'inboxes', ws, q.inboxId);
      const { items, total } = await listConversationsByPage(app.ctx, ws, conversationFiltersOf(q), 'pinnedFirst', { page: q.page ?? 1, limit });
      const related = await conversationListRelations(
        db,
        ws,
        items.map((i) => i.conversation),
      );
      const data = items.map(({ conversation: c, person }, i) => {
        const { group, assignee: user, role, inbox, channel, tags, lastMessage: last, lastMessageSender: sender } = related[i]!;
        return {
          id: c.id,
          status: c.status,
          priority: c.priority,
          isFixed: c.isFixed,
          isGroup: c.isGroup,
          isPrivate: c.isPrivate,
          isArchived: c.isArchived,
          responsables: c.assigneeUserId ? [c.assigneeUserId] : [],
          person: person && { id: person.id, name: person.name, imageUrl: person.imageUrl, phoneNumber: person.phoneNumber },
          group: group && { id: group.id, name: group.name, externalId: group.externalId, imageUrl: group.imageUrl },
          user: user && { id: user.id, name: user.name, imageUrl: user.imageUrl },
          formattedDate: formattedDate(c.lastActivityAt),
          createdAt: isoOf(c.createdAt),
          updatedAt: isoOf(c.updatedAt),
          unreadCount: c.unreadCount,
          role: role && { id: role.id, name: role.name },
          tags,
          inbox: inbox ?? { id: c.inboxId, name: '' },
          integration: channel,
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
      const found = await conversationWithPage(db, ws, conversationId, before, limit + 1);
      if (!found) throw notFound('conversation', conversationId);
      const { detail, page: newestFirst } = found;
      const c = detail.conversation;
      // A 1:1 conversation has its person and no members; a group, its members and no person.
      const { person, group, members, agents } = detail;
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
          tags: detail.tags,
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
