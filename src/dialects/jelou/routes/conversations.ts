import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Actor } from '../../../domain/context.ts';
import { DomainError } from '../../../domain/errors.ts';
import { closeSupportSession, getSupportSession, startSupportSession } from '../../../domain/support-sessions.ts';
import { presentSession } from '../presenters.ts';
import { IdText, Nullable, ProjectParams, Session, Success, errors, success } from '../schemas.ts';

/** `metadata` (and a redirect payload) may take up to 16 KiB as JSON. */
const MAX_OBJECT_BYTES = 16 * 1024;

function checkSize(field: string, value: unknown): void {
  if (value != null && Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_OBJECT_BYTES) {
    throw new DomainError('unprocessable', `${field} must be at most 16 KiB as JSON`, 'validation_failed', { [field]: ['must be at most 16 KiB as JSON'] });
  }
}

const FreeObject = Type.Record(Type.String(), Type.Unknown());

export async function conversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;
  const actorOf = (apiKeyId: string | null): Actor => ({ type: 'api_key', id: apiKeyId });

  app.post(
    '/:projectId/conversations/start',
    {
      schema: {
        operationId: 'jelouStartConversation',
        summary: 'Hand the end user to the panel: a support session starts (WAITING, or ACTIVE with an operator); emits conversation.start',
        params: ProjectParams,
        body: Type.Object({
          botId: IdText,
          userId: Type.String({ minLength: 1, maxLength: 255, description: "a person id, or a person's referenceId" }),
          initialMessage: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))),
          metadata: Type.Optional(Nullable(FreeObject)),
          assignment: Type.Optional(
            Nullable(
              Type.Object({
                type: Type.Enum(['queue', 'operator', 'team']),
                target: Type.String({ minLength: 1, maxLength: 255, description: 'queue/team: a role id or name; operator: a user id or e-mail' }),
              }),
            ),
          ),
        }),
        response: { 200: Success(Session), ...errors(404, 409) },
      },
    },
    async (request) => {
      const b = request.body;
      checkSize('metadata', b.metadata);
      const view = await startSupportSession(
        ctx,
        request.principal!.workspaceId,
        {
          botId: b.botId,
          userId: b.userId,
          initialMessage: b.initialMessage ?? null,
          metadata: b.metadata ?? null,
          assignment: b.assignment ?? null,
        },
        actorOf(request.principal!.apiKeyId),
      );
      return success('Conversation started successfully', presentSession(view));
    },
  );

  app.post(
    '/:projectId/conversations/close',
    {
      schema: {
        operationId: 'jelouCloseConversation',
        summary: "Close the (bot, user) pair's active session: back to the bot; a text redirect is sent; emits conversation.close",
        params: ProjectParams,
        body: Type.Object({
          botId: IdText,
          userId: Type.String({ minLength: 1, maxLength: 255 }),
          redirectPayload: Type.Optional(
            Nullable(
              Type.Object({
                type: Type.Enum(['text', 'edge']),
                text: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))),
              }),
            ),
          ),
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'closed_by_operator' })),
        }),
        response: { 200: Success(Session), ...errors(404) },
      },
    },
    async (request) => {
      const b = request.body;
      const redirect = b.redirectPayload ?? null;
      if (redirect?.type === 'text' && !redirect.text?.trim()) {
        throw new DomainError('unprocessable', 'redirectPayload.text is required when redirectPayload.type is text', 'validation_failed', {
          'redirectPayload.text': ['is required when type is text'],
        });
      }
      checkSize('redirectPayload', redirect);
      const view = await closeSupportSession(
        ctx,
        request.principal!.workspaceId,
        {
          botId: b.botId,
          userId: b.userId,
          reason: b.reason ?? 'closed_by_operator',
          redirectPayload: redirect,
        },
        actorOf(request.principal!.apiKeyId),
      );
      return success('Conversation closed successfully', presentSession(view));
    },
  );

  app.get(
    '/:projectId/conversations/:conversationId',
    {
      schema: {
        operationId: 'jelouGetConversation',
        summary: 'One support session (Jelou conversation); reading emits nothing',
        params: Type.Object({ projectId: ProjectParams.properties.projectId, conversationId: IdText }),
        response: { 200: Success(Session), ...errors(404) },
      },
    },
    async (request) => {
      const { projectId, conversationId } = request.params;
      try {
        return success('Conversation retrieved successfully', presentSession(await getSupportSession(ctx, request.principal!.workspaceId, conversationId)));
      } catch (error) {
        if (error instanceof DomainError && error.reason === 'session_not_found') {
          throw new DomainError('not_found', `No conversation ${conversationId} in project ${projectId}`, 'session_not_found');
        }
        throw error;
      }
    },
  );
}
