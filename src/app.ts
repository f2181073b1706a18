import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { join } from 'node:path';
import { MediaStore } from './media/media-store.ts';
import { registerMediaRoutes } from './media/media-routes.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Store } from './db/connect.ts';
import type { Ctx } from './domain/context.ts';
import { validatorCompiler } from './http/validation.ts';
import { HttpError, MAX_PATH_PARAMETER } from './http/problem.ts';
import { sendProblem } from './http/error-replies.ts';
import { registerContentTypeCheck } from './http/content-types.ts';
import { startRequestsInTurn } from './http/fair-starts.ts';
import { registerJsonBodyParser } from './http/json-body.ts';
import { registerUrlNulCheck } from './http/nul-characters.ts';
import { registerRateLimits } from './http/rate-limits.ts';
import { serializersOnFirstUse, validatorsOnFirstUse } from './http/lazy-compilers.ts';
import { registerOperationsRoutes } from './http/operations.ts';
import { platformTagGroup, registerOpenApi } from './http/openapi.ts';
import { registerInbox } from './http/inbox.ts';
import type { ErrorSurface } from './http/surfaces.ts';
import { MODULES } from './modules/index.ts';
import type { ModuleRoutes, Modules } from './modules/contract.ts';
import { contextOf } from './modules/context.ts';
import { FeedFollower } from './events/feed-follower.ts';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: Ctx;
    config: Config;
    media: MediaStore;
    /** The dialects and channels this app was built with (its workers start with them). */
    modules: Modules;
    /** Follows the database's event feed for the open event streams (one reader per process). */
    feedFollower: FeedFollower;
  }
  interface FastifyRequest {
    rawBody?: string;
  }
}

export type App = FastifyInstance;

const JSON_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  logger?: boolean | object;
  /** The dialects and channels to serve; every one this server has unless a test narrows it. */
  modules?: Modules;
  /** The built inbox (bin/inbox.js): served at `/`; without it `/` says how to build it. */
  inboxDir?: string | null;
}

export async function buildApp(config: Config, store: Store, options: AppOptions = {}): Promise<App> {
  const modules = options.modules ?? MODULES;
  const fallback = modules.dialects.find((d) => d.prefixes.includes('/')) ?? modules.dialects[0];
  // Longest prefix first: where no route matched, the most specific dialect's shape answers.
  const nativeSurface = modules.dialects.find((d) => d.name === 'native')?.errorSurface ?? fallback.errorSurface;
  const byPrefix = [
    ...modules.dialects.flatMap((d) => d.prefixes.filter((p) => p !== '/').map((prefix) => ({ prefix, surface: d.errorSurface }))),
    ...modules.channels.flatMap((c) => (c.prefixes ?? []).map((prefix) => ({ prefix, surface: c.errorSurface ?? nativeSurface }))),
  ];
  byPrefix.sort((a, b) => b.prefix.length - a.prefix.length);
  const surfaceOfUrl = (url: string): ErrorSurface =>
    byPrefix.find(({ prefix }) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`))?.surface ?? fallback.errorSurface;

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One log line per request costs real throughput; requests are logged at debug and below.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER },
    // Malformed percent-encoding and over-long path parameters fail in the router, before any handler: same error shapes.
    frameworkErrors: (error, request, reply) => sendProblem(surfaceOfUrl(request.url), request, reply, error),
    schemaController: { compilersFactory: serializersOnFirstUse },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx: Ctx = contextOf(store, config, modules);
  app.decorate('ctx', ctx);
  app.decorate('config', config);
  app.decorate('modules', modules);
  app.decorate('media', new MediaStore(join(config.dataDir, 'media'), config.publicUrl));
  app.decorateRequest('principal', null);
  const feedFollower = new FeedFollower(store.db, store.engine, { intervalMs: config.eventStreamPollMs, log: app.log });
  app.decorate('feedFollower', feedFollower);
  // Open event streams would hold the server's close forever: they end before it waits for requests.
  app.addHook('preClose', async () => feedFollower.close());
  app.addHook('onClose', async () => feedFollower.close());
  app.setValidatorCompiler(validatorsOnFirstUse(validatorCompiler));

  registerJsonBodyParser(app, JSON_BODY_LIMIT);
  // First of the hooks: a request waits its turn before any work is done for it.
  startRequestsInTurn(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
  });
  // A POST without a JSON body is an empty object, so the schema names the missing fields instead of "must be object";
  // multipart bodies are streamed by the route itself.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = {};
  });

  // Routes outside the modules (operations, media, docs), and URLs under no module's prefix, answer in the fallback dialect's shape.
  app.setErrorHandler((error, request, reply) => sendProblem(fallback.errorSurface, request, reply, error));
  app.setNotFoundHandler(notFoundIn(fallback.errorSurface));

  const tagGroups = [...modules.dialects.map((d) => d.tagGroup), ...modules.channels.flatMap((c) => (c.tagGroup ? [c.tagGroup] : [])), platformTagGroup];
  const securitySchemes = Object.assign({}, ...modules.dialects.map((d) => d.securitySchemes ?? {}));
  await registerOpenApi(app, config, tagGroups, securitySchemes);
  // A browser pointed at the server finds the agents' inbox; the API documentation stays at /docs.
  await registerInbox(app, options.inboxDir ?? null);

  await registerRateLimits(app, config);
  registerUrlNulCheck(app);
  registerContentTypeCheck(app);
  await app.register(multipart, { limits: { fileSize: config.maxUploadMb * 1024 * 1024, files: 1 } });
  registerOperationsRoutes(app, store);
  registerMediaRoutes(app);
  for (const dialect of modules.dialects) await registerModuleRoutes(app, dialect.routes, dialect.errorSurface, dialect.prefixes);
  for (const channel of modules.channels) {
    if (channel.routes) await registerModuleRoutes(app, channel.routes, channel.errorSurface ?? nativeSurface, channel.prefixes ?? []);
  }
  return app;
}

/** A module's routes in a scope of their own: whatever they throw answers in the module's error shape. */
/**
 * A module's routes in a scope of their own: whatever they throw answers in the module's error
 * shape, and so does a URL under one of its prefixes that no route matches (Fastify's 404 handler
 * of a prefixed plugin).
 */
async function registerModuleRoutes(app: App, routes: ModuleRoutes, surface: ErrorSurface, prefixes: readonly string[]): Promise<void> {
  const speakShape = (scope: FastifyInstance) => scope.setErrorHandler((error, request, reply) => sendProblem(surface, request, reply, error));
  await app.register(async (scope) => {
    speakShape(scope);
    await routes(scope);
  });
  for (const prefix of prefixes.filter((p) => p !== '/')) {
    await app.register(
      async (scope) => {
        speakShape(scope);
        scope.setNotFoundHandler(notFoundIn(surface));
      },
      { prefix },
    );
  }
}

function notFoundIn(surface: ErrorSurface) {
  return (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(surface, request, reply, new HttpError(404, `Route ${request.method}:${request.url.split('?')[0]} not found`, 'route_not_found'));
}
