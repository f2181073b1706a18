import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { MESSAGE_TYPES, MEDIA_TYPES, type MessageType, type Media } from '../../../domain/model.ts';
import { invalid, notFound } from '../../../domain/errors.ts';
import { actorOf } from '../../../domain/api-keys.ts';
import { HttpError } from '../../../http/problem.ts';
import { hideConversationsOutsideScope } from '../conversation-visibility.ts';
import { findConversation } from '../../../db/repos/conversations.ts';
import { findMessage } from '../../../db/repos/messages.ts';
import { messagesAfter, messagesBefore } from '../../../db/repos/conversation-views.ts';
import { sendMessage } from '../../../domain/send-message.ts';
import { retryMessage } from '../../../domain/retry-message.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { Id, IdParams, Page, PageQuery, errors } from '../schemas.ts';
import { MessageShape } from '../shapes.ts';
import { presentMessage } from '../presenters.ts';

const MessageParams = Type.Object({ id: Id, messageId: Id });

const ListQuery = Type.Object({ ...PageQuery, after: Type.Optional(Id) }, { additionalProperties: false });

const SendFields = Type.Object(
  {
    type: Type.Optional(Type.Enum(MESSAGE_TYPES.filter((t) => t !== 'unsupported'))),
    template: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 512 }),
          language: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }),
          components: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })),
        },
        { description: "`type: template` (WhatsApp): Meta's template object, passed through as it is; allowed outside the 24-hour window" },
      ),
    ),
    message: Type.Optional(Type.String({ maxLength: 65536 })),
    mediaUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    mimeType: Type.Optional(Type.String({ maxLength: 255 })),
    caption: Type.Optional(Type.String({ maxLength: 4096 })),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    contactName: Type.Optional(Type.String({ maxLength: 255 })),
    contactPhoneNumber: Type.Optional(Type.String({ maxLength: 32 })),
    quotedMessageId: Type.Optional(Id),
    senderUserId: Type.Optional(Id),
    botId: Type.Optional(Id),
    clientMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    internal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type SendFields = Static<typeof SendFields>;

export async function messageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  hideConversationsOutsideScope(app);

  app.get(
    '/conversations/:id/messages',
    {
      schema: {
        operationId: 'listMessages',
        summary: 'Messages of a conversation: newest first with `cursor`, or oldest first after a message with `after`',
        params: IdParams,
        querystring: ListQuery,
        response: { 200: Page(MessageShape), ...errors(404) },
      },
    },
    async (request) => {
      const { workspaceId } = request.principal!;
      const { id } = request.params;
      const { limit = 50, cursor, after } = request.query;
      if (cursor && after) throw invalid('use either cursor or after, not both', 'validation_failed', 'after');
      if (!(await findConversation(ctx.db, workspaceId, id))) throw notFound('conversation', id);
      const anchor = after ? await findMessage(ctx.db, workspaceId, after) : null;
      if (after && (!anchor || anchor.conversationId !== id)) throw notFound('message', after);
      const rows = anchor
        ? await messagesAfter(ctx.db, workspaceId, id, [anchor.messageAt, anchor.id], limit + 1)
        : await messagesBefore(ctx.db, workspaceId, id, cursor ? decodeCursor(cursor, ['number', 'string']) : null, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const more = rows.length > limit && last;
      return {
        data: page.map(presentMessage),
        nextCursor: more ? (after ? null : encodeCursor([last.messageAt, last.id])) : null,
      };
    },
  );

  app.post(
    '/conversations/:id/messages',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'sendMessage',
        summary:
          'Send a message as an agent (`senderUserId`) or the bot (`botId`); JSON, or multipart/form-data with a `file`. On WhatsApp, a free-form message outside the 24-hour window is 409 `outside_service_window` (send a `template`)',
        params: IdParams,
        body: { content: { 'application/json': { schema: SendFields }, 'multipart/form-data': { schema: SendFields } } } as never,
        response: { 201: MessageShape, 200: MessageShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { workspaceId } = principal;
      const fields = request.body as SendFields;
      // Signed in, an agent writes as themselves: the inbox shows who answered.
      if (principal.access === 'agent' && fields.senderUserId && fields.senderUserId !== principal.userId) {
        throw new HttpError(403, 'An agent sends as themselves: senderUserId must be your own id (or absent)', 'not_yourself');
      }
      const senderUserId = fields.senderUserId ?? (fields.botId ? null : principal.userId);
      const type: MessageType = fields.type ?? 'text';
      const { message, duplicate } = await app.media.holding(
        request.upload,
        fields.fileName,
        async (saved) => {
          let media: Media | null = saved && {
            url: saved.url,
            mimeType: saved.mimeType,
            fileName: saved.fileName,
            caption: fields.caption ?? null,
            size: saved.size,
          };
          if (!media && fields.mediaUrl)
            media = { url: fields.mediaUrl, mimeType: fields.mimeType ?? null, fileName: fields.fileName ?? null, caption: fields.caption ?? null, size: null };
          if (media && !MEDIA_TYPES.includes(type)) throw invalid(`type ${type} does not carry a file`, 'validation_failed', 'type');
          return sendMessage(
            ctx,
            {
              workspaceId,
              conversationId: request.params.id,
              type,
              text: fields.message ?? null,
              media,
              contact: type === 'contact' ? { name: fields.contactName ?? null, phoneNumber: fields.contactPhoneNumber ?? null } : null,
              senderUserId,
              senderBotId: fields.botId ?? null,
              quotedMessageId: fields.quotedMessageId ?? null,
              clientMessageId: fields.clientMessageId ?? null,
              internal: fields.internal ?? false,
              template: (fields.template as Record<string, unknown> | undefined) ?? null,
            },
            actorOf(principal),
          );
        },
        (sent) => !sent.duplicate,
      );
      return reply.code(duplicate ? 200 : 201).send(presentMessage(message));
    },
  );

  app.post(
    '/conversations/:id/messages/:messageId/retry',
    {
      schema: {
        operationId: 'retryMessage',
        summary:
          'Send a failed outbound message again through its channel: back to `pending` (the sandbox has it `sent` at once), its error cleared, `message.updated` emitted. 409 `not_failed` unless it is an outbound message whose externalStatus is `failed` (so a second retry does not send it twice); on WhatsApp, 409 `outside_service_window` as for a send',
        params: MessageParams,
        response: { 200: MessageShape, ...errors(404, 409) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const message = await retryMessage(
        ctx,
        { workspaceId: principal.workspaceId, conversationId: request.params.id, messageId: request.params.messageId },
        actorOf(principal),
      );
      return presentMessage(message);
    },
  );
}
