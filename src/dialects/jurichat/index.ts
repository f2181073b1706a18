import type { FastifyInstance } from 'fastify';
import { readMultipartBodies } from '../../http/multipart.ts';
import type { DialectModule } from '../../modules/contract.ts';
import { jurichatErrorSurface } from './errors.ts';
import { jurichatWebhookFormat } from './webhook-format.ts';
import { apiKeyFrom, authenticate } from '../../http/auth.ts';
import { addStandardErrorResponses, plainErrorDocs } from '../../http/error-responses.ts';
import type { OpenApiTagGroup } from '../../http/openapi.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { humanSupportRoutes } from './routes/human-support.ts';
import { messageRoutes } from './routes/messages.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { scheduledMessageRoutes } from './routes/scheduled-messages.ts';
import { tagRoutes } from './routes/tags.ts';
import { userRoutes } from './routes/users.ts';
import { peopleRoutes } from './routes/people.ts';

export const jurichatTagGroup: OpenApiTagGroup = {
  name: 'JuriChat-compatible API',
  tags: [
    {
      name: 'jurichat',
      description:
        "JuriChat's API at the server root: conversations, human support, messages, notes, scheduled messages, tags, users, people and webhooks. Operation ids start with `jurichat`.",
    },
  ],
};

/** The JuriChat-compatible API at the server root: `X-JuriChat-Api-Key` on every route (jurichat-api.md). */
export async function jurichatApi(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, tags: route.schema?.tags ?? ['jurichat'], security: [{ jurichatKey: [] }] };
    addStandardErrorResponses(route, plainErrorDocs, { authenticated: true });
  });
  app.addHook('preValidation', async (request, reply) => {
    await authenticate(app, request, reply, apiKeyFrom(request.headers['x-jurichat-api-key']), 'Missing X-JuriChat-Api-Key header');
  });
  readMultipartBodies(app, app.config.maxUploadMb * 1024 * 1024);
  await app.register(conversationRoutes);
  await app.register(humanSupportRoutes);
  await app.register(messageRoutes);
  await app.register(webhookRoutes);
  await app.register(scheduledMessageRoutes);
  await app.register(tagRoutes);
  await app.register(userRoutes);
  await app.register(peopleRoutes);
}

/** The JuriChat dialect (jurichat-api.md); its error shape is also every unclaimed URL's. */
export const jurichatDialect: DialectModule = {
  name: 'jurichat',
  routes: jurichatApi,
  errorSurface: jurichatErrorSurface,
  prefixes: ['/'],
  tagGroup: jurichatTagGroup,
  securitySchemes: { jurichatKey: { type: 'apiKey', in: 'header', name: 'X-JuriChat-Api-Key' } },
  webhookFormat: jurichatWebhookFormat,
};
