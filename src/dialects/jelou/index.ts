import type { FastifyInstance } from 'fastify';
import type { DialectModule } from '../../modules/contract.ts';
import { jelouErrorSurface } from './errors.ts';
import { addStandardErrorResponses } from '../../http/error-responses.ts';
import type { OpenApiTagGroup } from '../../http/openapi.ts';
import { JelouErrorBody, jelouErrorDocs } from './schemas.ts';
import { jelouWebhookFormat } from './webhook-format.ts';
import { requireProjectCredentials } from './auth.ts';
import { integrationRoutes } from './routes/integration.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { panelWebhookRoutes } from './routes/panel-webhook.ts';

/**
 * Jelou documents both management prefixes (jelou-api.md "Conventions"). The same routes are
 * registered under each, so the second prefix's operation ids carry a suffix to stay unique.
 */
export const JELOU_MANAGEMENT_PREFIXES = [
  { prefix: '/jelouapi/v1/external-support', operationIdSuffix: '' },
  { prefix: '/platform/v1/external-support', operationIdSuffix: 'Platform' },
];

export const jelouTagGroup: OpenApiTagGroup = {
  name: 'Jelou-compatible API',
  tags: [
    {
      name: 'jelou',
      description:
        "Jelou's External Support Panel API: the project's integration and its support sessions, under both of Jelou's prefixes (operation ids of `/platform/…` end in `Platform`), and the panel's signed message webhook. Operation ids start with `jelou`.",
    },
  ],
};

/** `{projectId}` routes: API key or Basic credentials of that project. */
async function managementApi(app: FastifyInstance, options: { operationIdSuffix: string }): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.schema = {
      ...route.schema,
      operationId: route.schema?.operationId && `${route.schema.operationId}${options.operationIdSuffix}`,
      security: [{ jelouKey: [] }, { jelouBasic: [] }],
    };
    addStandardErrorResponses(route, jelouErrorDocs, { authenticated: true });
  });
  requireProjectCredentials(app);
  await app.register(integrationRoutes);
  await app.register(conversationRoutes);
}

/** The Jelou-compatible External Support Panel API (jelou-api.md). */
export async function jelouApi(app: FastifyInstance): Promise<void> {
  app.addSchema(JelouErrorBody);
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, tags: route.schema?.tags ?? ['jelou'] };
    addStandardErrorResponses(route, jelouErrorDocs, { authenticated: false });
  });
  for (const { prefix, operationIdSuffix } of JELOU_MANAGEMENT_PREFIXES) await app.register(managementApi, { prefix, operationIdSuffix });
  // Authenticated by its signature alone; the static path wins over the management routes' `/:projectId`.
  await app.register(panelWebhookRoutes);
}

/** The Jelou dialect (jelou-api.md). */
export const jelouDialect: DialectModule = {
  name: 'jelou',
  routes: jelouApi,
  errorSurface: jelouErrorSurface,
  prefixes: ['/jelouapi', '/platform', '/v1/external-support'],
  tagGroup: jelouTagGroup,
  securitySchemes: { jelouKey: { type: 'apiKey', in: 'header', name: 'x-api-key' }, jelouBasic: { type: 'http', scheme: 'basic' } },
  webhookFormat: jelouWebhookFormat,
};
