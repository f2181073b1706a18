import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Media, MessageType } from '../../../domain/model.ts';
import { invalid } from '../../../domain/errors.ts';
import { sendMessage } from '../../../domain/send-message.ts';
import { forwardMessages } from '../../../domain/forward.ts';
import { listNotes } from '../../../domain/queries/note-list.ts';
import { findConversation } from '../../../db/repos/conversations.ts';
import { findMessage } from '../../../db/repos/messages.ts';
import type { StoredMedia } from '../../../media/media-store.ts';
import { presentJuriMessage } from '../presenters.ts';
import { Cuid, JuriMessage, Nullable, NStr, Str, Success, UserRef, errors, isoOf } from '../schemas.ts';

const SEND_TYPES = ['text', 'audio', 'image', 'video', 'document', 'contact'] as const;
const MIME_PREFIX: Partial<Record<MessageType, string>> = { image: 'image/', audio: 'audio/', video: 'video/' };

export const SendFields = Type.Object(
  {
    conversationId: Cuid,
    type: Type.Optional(Type.Enum([...SEND_TYPES])),
    message: Type.Optional(Type.String({ maxLength: 65536 })),
    caption: Type.Optional(Type.String({ maxLength: 4096 })),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    contactName: Type.Optional(Type.String({ maxLength: 255 })),
    contactPhoneNumber: Type.Optional(Type.String({ maxLength: 32 })),
    quotedMessageId: Type.Optional(Cuid),
    userId: Type.Optional(Cuid),
    clientMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type SendFields = Static<typeof SendFields>;

/** The message content a send-message (or scheduled message) form describes, with its file checked against its type. */
export function contentOf(
  fields: { type?: MessageType; message?: string; caption?: string; fileName?: string; contactName?: string; contactPhoneNumber?: string },
  file: Pick<StoredMedia, 'url' | 'mimeType' | 'fileName' | 'size'> | null,
) {
  const type: MessageType = fields.type ?? 'text';
  const needsFile = type === 'image' || type === 'audio' || type === 'video' || type === 'document';
  if (needsFile && !file) throw invalid(`file: Required for type ${type}`, 'validation_failed', 'file');
  if (!needsFile && file) throw invalid(`file: type ${type} does not take a file`, 'validation_failed', 'file');
  const prefix = MIME_PREFIX[type];
  if (file && prefix && !file.mimeType.startsWith(prefix))
    throw invalid(`file: a ${file.mimeType} file does not match type ${type}`, 'validation_failed', 'file');
  if (type === 'text' && !fields.message) throw invalid('message: Required for type text', 'validation_failed', 'message');
  if (type === 'contact' && !fields.contactPhoneNumber)
    throw invalid('contactPhoneNumber: Required for type contact', 'validation_failed', 'contactPhoneNumber');
  const media: Media | null = file
    ? { url: file.url, mimeType: file.mimeType, fileName: fields.fileName ?? file.fileName, caption: fields.caption ?? fields.message ?? null, size: file.size }
    : null;
  return {
    type,
    media,
    text: fields.message ?? null,
    contact: type === 'contact' ? { name: fields.contactName ?? null, phoneNumber: fields.contactPhoneNumber ?? null } : null,
  };
}

export async function messageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.post(
    '/conversation/send-message',
    {
      schema: {
        operationId: 'jurichatSendMessage',
        summary: 'An agent sends a message (the conversation must be in human support, ACTIVE); multipart/form-data with `file`, or JSON',
        body: {
          content: {
            'application/json': { schema: SendFields },
            'multipart/form-data': { schema: SendFields },
          },
        } as never,
        response: { 200: JuriMessage, ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const fields = request.body as SendFields;
      const { message } = await app.media.holding(
        request.upload,
        fields.fileName,
        async (stored) => {
          const content = contentOf(fields, stored);
          return sendMessage(
            app.ctx,
            {
              workspaceId: ws,
              conversationId: fields.conversationId,
              type: content.type,
              text: content.text,
              media: content.media,
              contact: content.contact,
              senderUserId: fields.userId ?? null,
              defaultToAssignee: true,
              quotedMessageId: fields.quotedMessageId ?? null,
              clientMessageId: fields.clientMessageId ?? null,
              requireActive: true,
            },
            { type: 'api_key', id: request.principal!.apiKeyId },
          );
        },
        (sent) => !sent.duplicate,
      );
      const quoted = message.quotedMessageId ? await findMessage(db, ws, message.quotedMessageId) : null;
      const conversation = await findConversation(db, ws, message.conversationId);
      return presentJuriMessage(message, quoted, conversation?.isGroup ?? false);
    },
  );

  app.post(
    '/conversation/note',
    {
      schema: {
        operationId: 'jurichatCreateNote',
        summary: 'Add an internal note (never sent to the person)',
        body: Type.Object(
          { conversationId: Cuid, note: Type.String({ minLength: 1, maxLength: 65536 }), userId: Type.Optional(Cuid) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Str,
            conversationId: Str,
            type: Str,
            userId: NStr,
            direction: Str,
            messageAt: Str,
            externalId: NStr,
            externalStatus: NStr,
            content: NStr,
            metadata: Type.Unknown(),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const { conversationId, note, userId } = request.body;
      const { message: m } = await sendMessage(
        app.ctx,
        {
          workspaceId: request.principal!.workspaceId,
          conversationId,
          type: 'text',
          text: note,
          internal: true,
          senderUserId: userId ?? null,
        },
        { type: 'api_key', id: request.principal!.apiKeyId },
      );
      return {
        id: m.id,
        conversationId: m.conversationId,
        type: m.type,
        userId: m.senderUserId,
        direction: m.direction,
        messageAt: isoOf(m.messageAt),
        externalId: m.externalId,
        externalStatus: m.externalStatus,
        content: m.content,
        metadata: m.metadata,
      };
    },
  );

  app.get(
    '/conversation/notes',
    {
      schema: {
        operationId: 'jurichatListNotes',
        summary: "A conversation's internal notes, newest first",
        querystring: Type.Object({ conversationId: Cuid }),
        response: { 200: Type.Array(Type.Object({ id: Str, content: NStr, createdAt: Str, user: Nullable(UserRef) })), ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { conversationId } = request.query;
      return (await listNotes(app.ctx, ws, conversationId)).map(({ note, author }) => ({
        id: note.id,
        content: note.content,
        createdAt: isoOf(note.createdAt),
        user: author && { id: author.id, name: author.name, imageUrl: author.imageUrl },
      }));
    },
  );

  app.post(
    '/conversation/forward-message',
    {
      schema: {
        operationId: 'jurichatForwardMessages',
        summary: 'Forward messages, in order, into each of the conversations (all ids must exist, or nothing is forwarded)',
        body: Type.Object(
          {
            conversationId: Type.Array(Cuid, { minItems: 1, maxItems: 50 }),
            messageId: Type.Array(Cuid, { minItems: 1, maxItems: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Success, ...errors(404) },
      },
    },
    async (request) => {
      await forwardMessages(app.ctx, request.principal!.workspaceId, request.body.conversationId, request.body.messageId, {
        type: 'api_key',
        id: request.principal!.apiKeyId,
      });
      return { success: true };
    },
  );
}
