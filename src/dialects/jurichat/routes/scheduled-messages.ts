import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { invalid } from '../../../domain/errors.ts';
import { requireExisting } from '../../../domain/lookups.ts';
import {
  findScheduled,
  listScheduledByPage,
  scheduleMessage,
  updateScheduled,
  type ScheduledContent,
  type ScheduledMessage,
} from '../../../domain/scheduled-messages.ts';
import { notFound } from '../../../domain/errors.ts';
import { SendFields, contentOf } from './messages.ts';
import { Cuid, Nullable, NStr, Str, errors, isoOf, pageQuery, totalPages } from '../schemas.ts';

const CreateFields = Type.Object({ ...SendFields.properties, scheduledAt: Type.String({ format: 'date-time' }) }, { additionalProperties: false });
const { type, message, caption, fileName, contactName, contactPhoneNumber } = SendFields.properties;
const UpdateFields = Type.Object(
  {
    type,
    message,
    caption,
    fileName,
    contactName,
    contactPhoneNumber,
    scheduledAt: Type.Optional(Type.String({ format: 'date-time' })),
    status: Type.Optional(Type.Enum(['CANCELLED'])),
  },
  { additionalProperties: false },
);

const Scheduled = Type.Object({
  id: Str,
  conversationId: Str,
  userId: NStr,
  type: Str,
  scheduledAt: Str,
  status: Str,
  sentAt: NStr,
  createdAt: Str,
  updatedAt: Str,
  content: NStr,
  metadata: Type.Unknown(),
});
const ScheduledWithConversation = Type.Object({
  ...Scheduled.properties,
  conversation: Type.Object({
    id: Str,
    person: Nullable(Type.Object({ id: Str, name: NStr, phoneNumber: NStr })),
    group: Nullable(Type.Object({ id: Str, name: Str })),
  }),
});

function present(s: ScheduledMessage) {
  const isText = s.type === 'text';
  return {
    id: s.id,
    conversationId: s.conversationId,
    userId: s.userId,
    type: s.type,
    scheduledAt: isoOf(s.scheduledAt),
    status: s.status,
    sentAt: s.sentAt === null ? null : isoOf(s.sentAt),
    createdAt: isoOf(s.createdAt),
    updatedAt: isoOf(s.updatedAt),
    content: isText ? s.text : (s.media?.url ?? s.contact?.name ?? null),
    metadata: isText
      ? null
      : {
          ...(s.media ? { mimeType: s.media.mimeType, fileName: s.media.fileName, caption: s.media.caption, size: s.media.size } : {}),
          ...(s.contact ? { contactName: s.contact.name, contactPhoneNumber: s.contact.phoneNumber } : {}),
          ...(s.text && s.type !== 'contact' ? { message: s.text } : {}),
        },
  };
}

export async function scheduledMessageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;
  const { db } = ctx;

  app.post(
    '/scheduled-message',
    {
      schema: {
        operationId: 'jurichatCreateScheduledMessage',
        summary: 'Schedule a message (the send-message fields plus a future scheduledAt); multipart/form-data with `file`, or JSON',
        body: { content: { 'application/json': { schema: CreateFields }, 'multipart/form-data': { schema: CreateFields } } } as never,
        response: { 200: Type.Object({ data: Scheduled }), ...errors(404) },
      },
    },
    async (request) => {
      const fields = request.body as Static<typeof CreateFields>;
      const s = await app.media.holding(request.upload, fields.fileName, (stored) =>
        scheduleMessage(ctx, {
          workspaceId: request.principal!.workspaceId,
          conversationId: fields.conversationId,
          userId: fields.userId ?? null,
          quotedMessageId: fields.quotedMessageId ?? null,
          scheduledAt: Date.parse(fields.scheduledAt),
          content: contentOf(fields, stored),
        }),
      );
      return { data: present(s) };
    },
  );

  app.get(
    '/scheduled-message',
    {
      schema: {
        operationId: 'jurichatListScheduledMessages',
        summary: 'Scheduled messages, soonest first',
        querystring: Type.Object({
          ...pageQuery(20),
          conversationId: Type.Optional(Cuid),
          inboxId: Type.Optional(Cuid),
          status: Type.Optional(Type.Enum(['PENDING', 'SENT', 'CANCELLED'])),
        }),
        response: {
          200: Type.Object({ data: Type.Array(ScheduledWithConversation), totalResults: Type.Integer(), totalPages: Type.Integer() }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { page = 1, limit = 20, conversationId, inboxId, status } = request.query;
      if (conversationId) await requireExisting(db, 'conversations', ws, conversationId);
      if (inboxId) await requireExisting(db, 'inboxes', ws, inboxId);
      const { items, total } = await listScheduledByPage(ctx, ws, { conversationId, inboxId, status }, { page, limit });
      return {
        data: items.map(({ scheduled, person, group }) => ({
          ...present(scheduled),
          conversation: {
            id: scheduled.conversationId,
            person: person && { id: person.id, name: person.name, phoneNumber: person.phoneNumber },
            group: group && { id: group.id, name: group.name },
          },
        })),
        totalResults: total,
        totalPages: totalPages(total, limit),
      };
    },
  );

  app.patch(
    '/scheduled-message/:scheduledMessageId',
    {
      schema: {
        operationId: 'jurichatUpdateScheduledMessage',
        summary: 'Change a PENDING scheduled message, or cancel it with status CANCELLED; multipart/form-data with `file`, or JSON',
        params: Type.Object({ scheduledMessageId: Cuid }),
        body: { content: { 'application/json': { schema: UpdateFields }, 'multipart/form-data': { schema: UpdateFields } } } as never,
        response: { 200: Type.Object({ data: Scheduled }), ...errors(404, 409) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { scheduledMessageId } = request.params as { scheduledMessageId: string };
      const fields = request.body as Static<typeof UpdateFields>;
      const current = await findScheduled(ctx, ws, scheduledMessageId);
      if (!current) throw notFound('scheduled message', scheduledMessageId);
      const touchesContent = ['type', 'message', 'caption', 'fileName', 'contactName', 'contactPhoneNumber'].some((k) => k in fields) || !!request.upload;
      const s = await app.media.holding(request.upload, fields.fileName, async (file) => {
        let content: ScheduledContent | undefined;
        if (touchesContent) {
          const type = fields.type ?? current.type;
          // A media message keeps its file unless a new one is sent.
          const kept =
            !file && current.media?.url && type === current.type
              ? {
                  mimeType: current.media.mimeType ?? 'application/octet-stream',
                  fileName: current.media.fileName ?? 'file',
                  url: current.media.url as string,
                  size: current.media.size ?? 0,
                }
              : null;
          if (type !== 'text' && type !== 'contact' && !file && !kept) throw invalid(`file: Required for type ${type}`, 'validation_failed', 'file');
          content = contentOf(
            {
              type: type as never,
              message: fields.message ?? current.text ?? undefined,
              caption: fields.caption ?? current.media?.caption ?? undefined,
              fileName: fields.fileName ?? current.media?.fileName ?? undefined,
              contactName: fields.contactName ?? current.contact?.name ?? undefined,
              contactPhoneNumber: fields.contactPhoneNumber ?? current.contact?.phoneNumber ?? undefined,
            },
            file ?? kept,
          );
        }
        return updateScheduled(ctx, ws, scheduledMessageId, {
          content,
          scheduledAt: fields.scheduledAt ? Date.parse(fields.scheduledAt) : undefined,
          cancel: fields.status === 'CANCELLED',
        });
      });
      return { data: present(s) };
    },
  );
}
