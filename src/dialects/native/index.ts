import type { FastifyInstance } from 'fastify';
import { readMultipartBodies } from '../../http/multipart.ts';
import { apiKeyFrom, authenticate, bearerToken } from '../../http/auth.ts';
import { registerIdempotency } from '../../http/idempotency.ts';
import { addErrorResponses, addStandardErrorResponses } from '../../http/error-responses.ts';
import { ErrorBody, nativeErrorDocs } from './schemas.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { messageRoutes } from './routes/messages.ts';
import { sandboxRoutes } from './routes/sandbox.ts';
import { eventRoutes } from './routes/events.ts';
import { workspaceRoutes } from './routes/workspace.ts';

/** The native API under /api/v1: `Authorization: Bearer <api key>` on every route. */
export async function nativeApi(app: FastifyInstance): Promise<void> {
  app.addSchema(ErrorBody);
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, tags: route.schema?.tags ?? ['native'], security: [{ bearer: [] }] };
    addStandardErrorResponses(route, nativeErrorDocs, { authenticated: true });
    if (route.config?.idempotent) addErrorResponses(route, nativeErrorDocs, [409]);
  });
  app.addHook('preValidation', async (request, reply) => {
    await authenticate(app, request, reply, apiKeyFrom(bearerToken(request)), 'Missing Authorization: Bearer <api key>');
  });
  readMultipartBodies(app, app.config.maxUploadMb * 1024 * 1024);
  registerIdempotency(app, app.ctx.db);
  await app.register(conversationRoutes);
  await app.register(messageRoutes);
  await app.register(sandboxRoutes);
  await app.register(eventRoutes);
  await app.register(workspaceRoutes);
}
