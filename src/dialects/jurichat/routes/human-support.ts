import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { invalid } from '../../../domain/errors.ts';
import { endHumanSupport, startHumanSupport } from '../../../domain/human-support.ts';
import { Cuid, Success, errors } from '../schemas.ts';

export async function humanSupportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/conversation/start-human-support',
    {
      schema: {
        operationId: 'jurichatStartHumanSupport',
        summary: 'An agent takes the conversation (→ ACTIVE): the selected user, or the least-loaded one with isRandom',
        body: Type.Object(
          {
            conversationId: Cuid,
            selectedUserId: Type.Optional(Cuid),
            isRandom: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Success, ...errors(404) },
      },
    },
    async (request) => {
      const { conversationId, selectedUserId, isRandom } = request.body;
      if (!selectedUserId && isRandom !== true) throw invalid('selectedUserId: Required (or isRandom: true)', 'validation_failed', 'selectedUserId');
      await startHumanSupport(app.ctx, request.principal!.workspaceId, conversationId, selectedUserId ? { userId: selectedUserId } : { random: true }, {
        type: 'api_key',
        id: request.principal!.apiKeyId,
      });
      return { success: true };
    },
  );

  app.post(
    '/conversation/end-human-support',
    {
      schema: {
        operationId: 'jurichatEndHumanSupport',
        summary: 'Human support ends: back to the bot (→ ROBOT_INTERACTIVE); the support session closes',
        body: Type.Object({ conversationId: Cuid }, { additionalProperties: false }),
        response: { 200: Success, ...errors(404) },
      },
    },
    async (request) => {
      await endHumanSupport(app.ctx, request.principal!.workspaceId, request.body.conversationId, {}, { type: 'api_key', id: request.principal!.apiKeyId });
      return { success: true };
    },
  );
}
