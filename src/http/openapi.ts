import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import packageJson from '../../package.json' with { type: 'json' };
import type { Config } from '../config.ts';
import { PlainErrorBody } from './error-responses.ts';

export interface OpenApiTag {
  name: string;
  description: string;
}

/** The tags of one API surface, shown together (`x-tagGroups`, which Redoc reads). */
export interface OpenApiTagGroup {
  name: string;
  tags: OpenApiTag[];
}

/** The routes outside any dialect. */
export const platformTagGroup: OpenApiTagGroup = {
  name: 'Operations and media',
  tags: [
    { name: 'operations', description: 'Liveness and readiness probes for load balancers and orchestrators; no credentials.' },
    { name: 'media', description: 'Uploaded files, served like a CDN link: the unguessable token in the URL is the capability; no credentials.' },
  ],
};

const DESCRIPTION = `Conversas answers three APIs over one store; one API key works on all of them.

- **Native API** under \`/api/v1\`: \`Authorization: Bearer <api key>\`; errors are \`NativeError\`, \`{"error":{"code","message","details"}}\`. Creates accept an \`Idempotency-Key\` header.
- **JuriChat-compatible API** at the root (\`/conversation\`, \`/people\`, \`/tag\`, \`/user\`, \`/scheduled-message\`, \`/webhooks\`): \`X-JuriChat-Api-Key: <api key>\`; errors are \`PlainError\`, \`{"statusCode","error","message"}\`.
- **Jelou-compatible API** under \`/jelouapi/v1/external-support/{projectId}\` and, identically, \`/platform/v1/external-support/{projectId}\` (the operation ids of the second prefix end in \`Platform\`): \`x-api-key: <api key>\` or Basic \`clientId:clientSecret\`; errors are \`JelouError\`, Jelou's envelope, and every client error other than 401, 404, 409, 413 and 429 is a 422. The panel's message webhook (\`POST /v1/external-support/webhook\`, also under both prefixes) takes no credentials: it is authenticated by its \`X-Jelou-Signature\` header, an HMAC-SHA256 of the raw body keyed with the integration's signing secret, which no OpenAPI security scheme can express, so its \`security\` is empty.
- **WhatsApp callback** (\`/webhooks/whatsapp/{channelId}\`): Meta's verification handshake and webhooks for one channel, authenticated by the channel's verify token and by \`X-Hub-Signature-256\` (HMAC-SHA256 of the raw body with its app secret), which no OpenAPI security scheme can express; errors are \`NativeError\`.
- **Operations and media** (\`/healthz\`, \`/readyz\`, \`/media/{token}/{name}\`) take no credentials.

Authenticated requests spend the key's budget per minute and answer \`429\` with \`Retry-After\` once it is spent; an address that fails authentication too often gets \`429\` too. A write the storage cannot take answers \`503\` with \`Retry-After\` and saves nothing; a request whose database connection was lost (a PostgreSQL restart or failover) answers \`503\` with \`Retry-After\` too.`;

/**
 * The OpenAPI 3.1 document at /openapi.json and its page at /docs. Route schemas describe the
 * operations; this is the rest: info, servers, security schemes, tags and the shared error body.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  config: Config,
  tagGroups: OpenApiTagGroup[],
  securitySchemes: Record<string, Record<string, unknown>>,
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Conversas',
        version: packageJson.version,
        description: DESCRIPTION,
        contact: { name: 'Conversas maintainers' },
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: config.publicUrl, description: 'This server (PUBLIC_URL)' }],
      tags: tagGroups.flatMap((group) => group.tags),
      // An extension the document's type does not know: spread so that it is not an unknown property.
      ...{ 'x-tagGroups': tagGroups.map((group) => ({ name: group.name, tags: group.tags.map((tag) => tag.name) })) },
      components: {
        securitySchemes: securitySchemes as never,
      },
    },
    // Shared schemas (the error bodies) are named by their `$id` rather than `def-N`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.addSchema(PlainErrorBody);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
