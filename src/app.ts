import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { join } from 'node:path';
import { MediaStore } from './media/media-store.ts';
import { registerMediaRoutes } from './media/media-routes.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Store } from './db/connect.ts';
import type { Ctx } from './domain/context.ts';
import { sandboxDriver } from './channels/sandbox/driver.ts';
import { validatorCompiler } from './http/validation.ts';
import { HttpError, MAX_PATH_PARAMETER } from './http/problem.ts';
import { registerErrorSurface } from './http/surfaces.ts';
import { sendProblem } from './http/error-replies.ts';
import { registerContentTypeCheck } from './http/content-types.ts';
import { registerJsonBodyParser } from './http/json-body.ts';
import { registerUrlNulCheck } from './http/nul-characters.ts';
import { registerRateLimits } from './http/rate-limits.ts';
import { serializersOnFirstUse, validatorsOnFirstUse } from './http/lazy-compilers.ts';
import { registerOperationsRoutes } from './http/operations.ts';
import { platformTagGroup, registerOpenApi } from './http/openapi.ts';
import { nativeErrorSurface } from './dialects/native/errors.ts';
import { jurichatErrorSurface } from './dialects/jurichat/errors.ts';
import { nativeApi, nativeTagGroup } from './dialects/native/index.ts';
import { jurichatApi, jurichatTagGroup } from './dialects/jurichat/index.ts';
import { jelouApi, jelouTagGroup } from './dialects/jelou/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: Ctx;
    config: Config;
    media: MediaStore;
  }
  interface FastifyRequest {
    rawBody?: string;
  }
}

export type App = FastifyInstance;

const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(config: Config, store: Store, options: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One log line per request costs real throughput; requests are logged at debug and below.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER },
    // Malformed percent-encoding and over-long path parameters fail in the router, before any handler: same error shapes.
    frameworkErrors: (error, request, reply) => sendProblem(request, reply, error),
    schemaController: { compilersFactory: serializersOnFirstUse },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx: Ctx = { db: store.db, engine: store.engine, transact: store.transact, channelDrivers: new Map([[sandboxDriver.kind, sandboxDriver]]) };
  app.decorate('ctx', ctx);
  app.decorate('config', config);
  app.decorate('media', new MediaStore(join(config.dataDir, 'media'), config.publicUrl));
  app.decorateRequest('principal', null);
  app.setValidatorCompiler(validatorsOnFirstUse(validatorCompiler));

  registerErrorSurface(nativeErrorSurface);
  registerErrorSurface(jurichatErrorSurface, { fallback: true });

  registerJsonBodyParser(app, JSON_BODY_LIMIT);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
  });
  // A POST without a JSON body is an empty object, so the schema names the missing fields instead of "must be object";
  // multipart bodies are streamed by the route itself.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = {};
  });

  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new HttpError(404, `Route ${request.method}:${request.url.split('?')[0]} not found`, 'route_not_found')),
  );

  await registerOpenApi(app, config, [nativeTagGroup, jurichatTagGroup, jelouTagGroup, platformTagGroup]);
  // A browser pointed at the server finds the API documentation (the agents' inbox will live here).
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/docs/'));

  await registerRateLimits(app, config);
  registerUrlNulCheck(app);
  registerContentTypeCheck(app);
  await app.register(multipart, { limits: { fileSize: config.maxUploadMb * 1024 * 1024, files: 1 } });
  registerOperationsRoutes(app, store);
  registerMediaRoutes(app);
  await app.register(nativeApi, { prefix: '/api/v1' });
  await app.register(jurichatApi);
  await app.register(jelouApi);
  return app;
}
