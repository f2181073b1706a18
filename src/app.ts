import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import { join } from 'node:path';
import { MediaStore } from './media/media-store.ts';
import { registerMediaRoutes } from './media/media-routes.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Store } from './db/connect.ts';
import type { Ctx } from './domain/context.ts';
import { sha256 } from './domain/api-keys.ts';
import { sandboxDriver } from './channels/sandbox/driver.ts';
import { validatorCompiler } from './http/validation.ts';
import { serializersOnFirstUse, validatorsOnFirstUse } from './http/lazy-compilers.ts';
import { toProblem } from './http/problem.ts';
import { registerErrorSurface, surfaceFor } from './http/surfaces.ts';
import { registerOperationsRoutes } from './http/operations.ts';
import { nativeErrorSurface } from './dialects/native/errors.ts';
import { jurichatErrorSurface } from './dialects/jurichat/errors.ts';
import { nativeApi } from './dialects/native/index.ts';
import { jurichatApi } from './dialects/jurichat/index.ts';
import { jelouApi } from './dialects/jelou/index.ts';

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

// The credential a request presents, hashed: the rate-limit bucket is per API key, not per address.
function credentialOf(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers['x-jurichat-api-key'] ?? headers['x-api-key'] ?? headers.authorization;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export async function buildApp(config: Config, store: Store, options: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One log line per request costs real throughput; requests are logged at debug and below.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true },
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

  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value)));
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // A POST without a JSON body is an empty object, so the schema names the missing fields instead of "must be object";
  // multipart bodies are streamed by the route itself.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = {};
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
    const surface = surfaceFor(request.url);
    reply.code(surface.status?.(problem) ?? problem.status).send(surface.render(problem));
  });

  app.setNotFoundHandler((request, reply) => {
    const surface = surfaceFor(request.url);
    reply.code(404).send(surface.render({ status: 404, code: 'not_found', reason: 'route_not_found', message: `Route ${request.method}:${request.url.split('?')[0]} not found`, fields: {} }));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Conversas', version: '0.1.0', description: 'Native, JuriChat-compatible and Jelou-compatible APIs over one store.' },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Native API: Authorization: Bearer <api key>' },
          jurichatKey: { type: 'apiKey', in: 'header', name: 'X-JuriChat-Api-Key' },
          jelouKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          jelouBasic: { type: 'http', scheme: 'basic' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => {
        const credential = credentialOf(request.headers);
        return credential ? `key:${sha256(credential)}` : `ip:${request.ip}`;
      },
      allowList: (request) => credentialOf(request.headers) === null && !request.url.startsWith('/api/'),
      errorResponseBuilder: (_request, context) =>
        Object.assign(new Error(`Rate limit exceeded: ${context.max} requests per minute; retry in ${Math.ceil(context.ttl / 1000)} s`), {
          statusCode: 429, retryAfterSeconds: Math.ceil(context.ttl / 1000),
        }),
    });
  }

  await app.register(multipart, { limits: { fileSize: config.maxUploadMb * 1024 * 1024, files: 1 } });
  registerOperationsRoutes(app, store);
  registerMediaRoutes(app);
  await app.register(nativeApi, { prefix: '/api/v1' });
  await app.register(jurichatApi);
  await app.register(jelouApi);
  return app;
}
