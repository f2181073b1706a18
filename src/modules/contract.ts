import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { MediaStore } from '../media/media-store.ts';
import type { ChannelKind } from '../domain/channel-kind.ts';
import type { Ctx } from '../domain/context.ts';
import type { Config } from '../config.ts';
import type { WebhookFormat } from '../events/webhook-formats.ts';
import type { ErrorSurface } from '../http/surfaces.ts';
import type { OpenApiTagGroup } from '../http/openapi.ts';

/** Routes of a module; registered in a scope of their own whose error handler speaks the module's shape. */
export type ModuleRoutes = (app: FastifyInstance) => Promise<void>;

/**
 * An API dialect: its routes (with their authentication), its error shape, the URL prefixes where
 * requests no route matched still get that shape, its OpenAPI tags and security schemes, and the
 * format of the webhooks its subscriptions receive.
 */
export interface DialectModule {
  name: string;
  routes: ModuleRoutes;
  errorSurface: ErrorSurface;
  /** Where unknown routes and malformed URLs answer in this dialect's shape; `/` makes it the fallback. */
  prefixes: readonly string[];
  tagGroup: OpenApiTagGroup;
  securitySchemes?: Record<string, Record<string, unknown>>;
  webhookFormat?: WebhookFormat;
}

/** Something a module runs in the background until stopped; stop() waits for the work in progress. */
export interface BackgroundTask {
  stop(): Promise<void>;
}

/** A network: the domain-facing kind, plus its inbound routes and the workers that send and fetch. */
export interface ChannelModule extends ChannelKind {
  routes?: ModuleRoutes;
  /** Routes that are part of the native API (under `/api/v1`, with its authentication, idempotency and error shape). */
  apiRoutes?: ModuleRoutes;
  /** Its inbound routes answer in this shape (the native one unless set). */
  errorSurface?: ErrorSurface;
  /** Where its routes live: malformed URLs there answer in its shape too. */
  prefixes?: readonly string[];
  tagGroup?: OpenApiTagGroup;
  /** Its background loops (senders, fetchers), started by `conversas serve` with the others. */
  startWorkers?(env: WorkerEnv): BackgroundTask[];
}

export interface WorkerEnv {
  ctx: Ctx;
  config: Config;
  log: FastifyBaseLogger;
  media: MediaStore;
}

export interface Modules {
  dialects: readonly DialectModule[];
  channels: readonly ChannelModule[];
}
