import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createApiKey, listApiKeys, revokeKey } from '../../../domain/resources/api-keys.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { ApiKeyListQuery, ApiKeyShape, CreateApiKeyBody, CreatedApiKeyShape, presentApiKey, presentIssuedApiKey } from '../resources/api-keys.ts';
import { pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['api keys'];

export async function apiKeyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.get(
    '/api-keys',
    {
      schema: {
        operationId: 'listApiKeys',
        tags,
        summary: "The workspace's API keys, revoked ones included; never the keys themselves",
        querystring: ApiKeyListQuery,
        response: { 200: Page(ApiKeyShape) },
      },
    },
    async (request) => presentPage(await listApiKeys(ctx, request.principal!.workspaceId, pageRequest(request.query)), presentApiKey),
  );

  app.post(
    '/api-keys',
    {
      config: { idempotent: 'secret' },
      schema: {
        operationId: 'createApiKey',
        tags,
        summary: 'Issue a key with its Basic client credentials; the key and the client secret are shown only in this answer',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeyShape },
      },
    },
    async (request, reply) => reply.code(201).send(presentIssuedApiKey(await createApiKey(ctx, request.principal!.workspaceId, request.body))),
  );

  // Revoking answers 200 with the key (now carrying `revokedAt`) rather than 204: the key stays listed, revoked.
  app.delete(
    '/api-keys/:id',
    {
      schema: {
        operationId: 'revokeApiKey',
        tags,
        summary: 'Revoke a key: it answers 401 from the next request on. A key cannot revoke itself (409)',
        params: IdParams,
        response: { 200: ApiKeyShape, ...errors(404, 409) },
      },
    },
    async (request) => presentApiKey(await revokeKey(ctx, request.principal!.workspaceId, request.params.id, request.principal!.apiKeyId)),
  );
}
