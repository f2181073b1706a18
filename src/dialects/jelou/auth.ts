import type { FastifyInstance } from 'fastify';
import { apiKeyFrom, authenticate, basicCredentials } from '../../http/auth.ts';
import { HttpError } from '../../http/problem.ts';

/**
 * Management routes: `x-api-key: <api key>` or `Authorization: Basic base64(clientId:clientSecret)`;
 * missing, unknown or revoked → 401 `invalid_api_key`; a `{projectId}` other than the key's
 * workspace → 401 `project_mismatch` (spec README §6). Runs before the body is read.
 */
export function requireProjectCredentials(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const presented = apiKeyFrom(request.headers['x-api-key']) ?? basicCredentials(request);
    const principal = await authenticate(
      app,
      request,
      reply,
      presented,
      'Missing credentials: send x-api-key or Authorization: Basic base64(clientId:clientSecret)',
    );
    const { projectId } = (request.params ?? {}) as { projectId?: string };
    if (projectId !== undefined && projectId !== principal.workspaceId) {
      throw new HttpError(401, `The credentials do not belong to project ${projectId}`, 'project_mismatch');
    }
  });
}
