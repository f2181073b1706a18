import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireVisibleConversation } from '../../db/repos/conversation-scope.ts';

/** Every `/conversations/:id…` route of the plugin answers 404 for a conversation outside the agent's scope, before its handler runs. */
export function hideConversationsOutsideScope(app: FastifyInstance): void {
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const id = (request.params as { id?: string } | undefined)?.id;
    if (id && request.principal && request.routeOptions.url?.includes('/conversations/:id'))
      await requireVisibleConversation(app.ctx.db, request.principal, id);
  });
}
