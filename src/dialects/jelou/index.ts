import type { FastifyInstance } from 'fastify';
import { registerErrorSurface } from '../../http/surfaces.ts';
import { registerWebhookFormat } from '../../events/webhook-formats.ts';
import { jelouErrorSurface } from './errors.ts';
import { addStandardErrorResponses } from '../../http/error-responses.ts';
import { JelouErrorBody, jelouErrorDocs } from './schemas.ts';
import { jelouWebhookFormat } from './webhook-format.ts';
import { requireProjectCredentials } from './auth.ts';
import { integrationRoutes } from './routes/integration.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { panelWebhookRoutes } from './routes/panel-webhook.ts';

/** Jelou documents both management prefixes (jelou-api.md "Conventions"). */
export const JELOU_MANAGEMENT_PREFIXES = ['/jelouapi/v1/external-support', '/platform/v1/external-support'];

/** `{projectId}` routes: API key or Basic credentials of that project. */
async function managementApi(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ jelouKey: [] }, { jelouBasic: [] }] };
    addStandardErrorResponses(route, jelouErrorDocs, { authenticated: true });
  });
  requireProjectCredentials(app);
  await app.register(integrationRoutes);
  await app.register(conversationRoutes);
}

/** The Jelou-compatible External Support Panel API (jelou-api.md). */
export async function jelouApi(app: FastifyInstance): Promise<void> {
  registerErrorSurface(jelouErrorSurface);
  registerWebhookFormat(jelouWebhookFormat);
  app.addSchema(JelouErrorBody);
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, tags: route.schema?.tags ?? ['jelou'] };
    addStandardErrorResponses(route, jelouErrorDocs, { authenticated: false });
  });
  for (const prefix of JELOU_MANAGEMENT_PREFIXES) await app.register(managementApi, { prefix });
  // Authenticated by its signature alone; the static path wins over the management routes' `/:projectId`.
  await app.register(panelWebhookRoutes);
}
