import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PRIORITIES } from '../../../domain/model.ts';
import { actorOf } from '../../../domain/api-keys.ts';
import { DomainError } from '../../../domain/errors.ts';
import { markUnread, updateConversation } from '../../../domain/conversation-attributes.ts';
import { hideConversationsOutsideScope } from '../conversation-visibility.ts';
import { Id, IdParams, errors } from '../schemas.ts';
import { ConversationShape } from '../shapes.ts';
import { presentConversation } from '../presenters.ts';

const UpdateConversationBody = Type.Object(
  {
    isFixed: Type.Optional(Type.Boolean({ description: 'Pinned' })),
    tagIds: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true, description: "Tags of the conversation's inbox; replaces the set" })),
    priority: Type.Optional(Type.Enum([...PRIORITIES])),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The domain names the field as JuriChat does (`tags`); here it is `tagIds`. */
function inNativeTerms(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.reason !== 'unknown_tag') return error;
  const message = error.message.replace(/^tags:/, 'tagIds:');
  return new DomainError(error.kind, message, error.reason, { tagIds: [message] });
}

/** What an agent changes on a conversation besides its status: pin, tags, priority, and marking it unread. */
export async function conversationChangeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  hideConversationsOutsideScope(app);

  app.patch(
    '/conversations/:id',
    {
      schema: {
        operationId: 'updateConversation',
        summary: 'Pin or unpin, set the tags (replaces the set) or the priority. Emits `conversation.updated` when something changed',
        params: IdParams,
        body: UpdateConversationBody,
        response: { 200: ConversationShape, ...errors(404) },
      },
    },
    async (request) => {
      const { isFixed, tagIds, priority } = request.body;
      try {
        const conversation = await updateConversation(
          ctx,
          request.principal!.workspaceId,
          request.params.id,
          { isFixed, tagIds, priority },
          actorOf(request.principal!),
        );
        return presentConversation(conversation);
      } catch (error) {
        throw inNativeTerms(error);
      }
    },
  );

  app.post(
    '/conversations/:id/unread',
    {
      schema: {
        operationId: 'markConversationUnread',
        summary: 'Mark the conversation unread (unreadCount becomes at least 1), the reverse of `/read`',
        params: IdParams,
        response: { 200: ConversationShape, ...errors(404) },
      },
    },
    async (request) => presentConversation(await markUnread(ctx, request.principal!.workspaceId, request.params.id)),
  );
}
