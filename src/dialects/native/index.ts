import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readMultipartBodies } from '../../http/multipart.ts';
import { apiKeyFrom, authenticate, bearerToken } from '../../http/auth.ts';
import { sessionTokenOf } from '../../http/session-cookie.ts';
import { hideChannelsOutsideAgentInboxes, isAdminOnly, isAgentChannelRead, mayRefuse, refuseAgentOnAdminRoute, requireSameOrigin } from './access.ts';
import { authRoutes } from './routes/auth.ts';
import { registerIdempotency } from '../../http/idempotency.ts';
import { addErrorResponses, addStandardErrorResponses } from '../../http/error-responses.ts';
import type { OpenApiTagGroup } from '../../http/openapi.ts';
import type { DialectModule } from '../../modules/contract.ts';
import { nativeErrorSurface } from './errors.ts';
import { ErrorBody, nativeErrorDocs } from './schemas.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { conversationChangeRoutes } from './routes/conversation-changes.ts';
import { messageRoutes } from './routes/messages.ts';
import { eventRoutes } from './routes/events.ts';
import { workspaceRoutes } from './routes/workspace.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { nativeWebhookFormat } from './webhook-format.ts';

export const nativeTagGroup: OpenApiTagGroup = {
  name: 'Native API',
  tags: [
    { name: 'native', description: 'Conversations and their messages: list and read them, assign, hand off, resolve, send.' },
    { name: 'events', description: 'The event feed: every change a webhook can report, in commit order.' },
    {
      name: 'webhooks',
      description: "Webhooks: the feed's events as signed HTTP POSTs (Standard Webhooks), retried with backoff, with each webhook's delivery log.",
    },
    { name: 'api keys', description: "The workspace's API keys and their Basic client credentials." },
    { name: 'inboxes', description: 'Inboxes hold channels, people and conversations; each has its inactivity timeout.' },
    {
      name: 'channels',
      description: "Channels connect an inbox to a network: `sandbox`, or `whatsapp` (a number on Meta's Cloud API, with its templates and raw webhook log).",
    },
    { name: 'bots', description: 'Bots answer on a channel until humans take over.' },
    { name: 'users', description: 'Users: the agents who attend conversations.' },
    { name: 'auth', description: 'Signing in to the inbox: the session cookie, invitations, and who is signed in.' },
    { name: 'roles', description: 'Roles: the queues or teams conversations are handed to.' },
    { name: 'tags', description: "Tags: coloured labels of an inbox's conversations and people." },
    { name: 'saved replies', description: 'Saved replies: texts agents insert by shortcut (`/greeting`) in the composer.' },
    { name: 'people', description: 'People: the contacts, end users of a channel.' },
    { name: 'groups', description: 'Group chats on a channel, and their members.' },
  ],
};

/** The native API under /api/v1: `Authorization: Bearer <api key>`, or the inbox session cookie, on every route but the public sign-in ones. */
export async function nativeApi(app: FastifyInstance): Promise<void> {
  app.addSchema(ErrorBody);
  app.addHook('onRoute', (route) => {
    const isPublic = route.config?.public === true;
    route.config = { ...route.config, adminOnly: !isPublic && isAdminOnly(route), agentChannelRead: !isPublic && isAgentChannelRead(route) };
    route.schema = { ...route.schema, tags: route.schema?.tags ?? ['native'], security: isPublic ? [] : [{ bearer: [] }, { session: [] }] };
    addStandardErrorResponses(route, nativeErrorDocs, { authenticated: !isPublic });
    if (route.config?.idempotent) addErrorResponses(route, nativeErrorDocs, [409]);
    if (!isPublic && mayRefuse(route)) addErrorResponses(route, nativeErrorDocs, [403]);
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    await authenticateNative(app, request, reply);
    refuseAgentOnAdminRoute(request);
    await hideChannelsOutsideAgentInboxes(app.ctx.db, request);
  });
  readMultipartBodies(app, app.config.maxUploadMb * 1024 * 1024);
  registerIdempotency(app, app.ctx.db);
  await app.register(authRoutes);
  await app.register(conversationRoutes);
  await app.register(conversationChangeRoutes);
  await app.register(messageRoutes);
  await app.register(eventRoutes);
  await app.register(workspaceRoutes);
  await app.register(webhookRoutes);
  // What each channel adds to the native API (the sandbox's inbound routes, WhatsApp's templates and log).
  for (const channel of app.modules.channels) if (channel.apiRoutes) await app.register(channel.apiRoutes);
}

/** Bearer key, else the inbox's session cookie (Bearer wins when both are sent); a cookie change must come from PUBLIC_URL's origin. */
async function authenticateNative(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const key = bearerToken(request);
  const session = key === null ? sessionTokenOf(request) : null;
  if (session === null) {
    await authenticate(app, request, reply, apiKeyFrom(key), 'Missing Authorization: Bearer <api key> (or the session cookie)');
    return;
  }
  await authenticate(app, request, reply, { sessionToken: session }, 'Missing session');
  requireSameOrigin(request, app.config.publicUrl);
}

/** The native dialect (native-api.md). */
export const nativeDialect: DialectModule = {
  name: 'native',
  routes: async (app) => {
    await app.register(nativeApi, { prefix: '/api/v1' });
  },
  errorSurface: nativeErrorSurface,
  prefixes: ['/api/v1'],
  tagGroup: nativeTagGroup,
  webhookFormat: nativeWebhookFormat,
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'Native API: Authorization: Bearer <api key>' },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: 'conversas_session',
      description: 'The inbox: the cookie `POST /api/v1/auth/login` sets; changes need `Origin` equal to PUBLIC_URL',
    },
  },
};
