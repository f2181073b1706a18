import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { VENDOR_MESSAGE_TYPES } from '../../domain/model.ts';
import { receiveInbound } from '../../domain/inbound.ts';
import { applyReceipt } from '../../domain/receipts.ts';
import { IdParams, Nullable, Timestamp, errors, Id } from '../../dialects/native/schemas.ts';
import { MessageShape } from '../../dialects/native/shapes.ts';
import { presentMessage } from '../../dialects/native/presenters.ts';

const NullableText = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));

export const InboundBody = Type.Object(
  {
    from: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 32 }), name: NullableText(255) }, { additionalProperties: false }),
    group: Type.Optional(
      Nullable(Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 255 }), name: NullableText(255) }, { additionalProperties: false })),
    ),
    message: Type.Object(
      {
        externalId: NullableText(255),
        type: Type.Enum([...VENDOR_MESSAGE_TYPES]),
        text: NullableText(65536),
        mediaUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2048 }))),
        mimeType: NullableText(255),
        fileName: NullableText(255),
        caption: NullableText(4096),
        contactName: NullableText(255),
        contactPhone: NullableText(32),
        quotedExternalId: NullableText(255),
        timestamp: Type.Optional(Nullable(Timestamp)),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const InboundAnswer = Type.Object({ personId: Id, conversationId: Id, messageId: Id, duplicate: Type.Boolean() });

/** The sandbox's part of the native API: play the network (native-api.md "The sandbox channel"). */
export async function sandboxApiRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.post(
    '/channels/:id/inbound',
    {
      schema: {
        operationId: 'simulateInboundMessage',
        tags: ['sandbox'],
        summary: "An end user's message arrives on a sandbox channel, as if from the network",
        params: IdParams,
        body: InboundBody,
        response: { 200: InboundAnswer, ...errors(404) },
      },
    },
    async (request) => {
      const { from, group, message } = request.body;
      return receiveInbound(ctx, {
        workspaceId: request.principal!.workspaceId,
        channelId: request.params.id,
        from: { phone: from.phone, name: from.name ?? null },
        group: group ? { externalId: group.externalId, name: group.name ?? null } : null,
        message: {
          externalId: message.externalId ?? null,
          type: message.type,
          text: message.text ?? null,
          mediaUrl: message.mediaUrl ?? null,
          mimeType: message.mimeType ?? null,
          fileName: message.fileName ?? null,
          caption: message.caption ?? null,
          contactName: message.contactName ?? null,
          contactPhone: message.contactPhone ?? null,
          quotedExternalId: message.quotedExternalId ?? null,
          timestamp: message.timestamp ? Date.parse(message.timestamp) : null,
        },
      });
    },
  );

  app.post(
    '/channels/:id/receipts',
    {
      schema: {
        operationId: 'simulateReceipt',
        tags: ['sandbox'],
        summary: "The network reports an outbound message's status (forward only)",
        params: IdParams,
        body: Type.Object(
          {
            externalId: Type.String({ minLength: 1, maxLength: 255 }),
            status: Type.Enum(['sent', 'delivered', 'read', 'failed']),
            error: NullableText(1024),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ changed: Type.Boolean(), message: MessageShape }), ...errors(404) },
      },
    },
    async (request) => {
      const { externalId, status, error } = request.body;
      const { message, changed } = await applyReceipt(ctx, {
        workspaceId: request.principal!.workspaceId,
        channelId: request.params.id,
        externalId,
        status,
        error: error ?? null,
      });
      return { changed, message: presentMessage(message) };
    },
  );
}
