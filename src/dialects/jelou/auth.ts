import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicCredentials, requireApiKey, requireClient } from '../../http/auth.ts';
import { HttpError } from '../../http/problem.ts';

/**
 * Management routes: `x-api-key: <api key>` or `Authorization: Basic base64(clientId:clientSecret)`;
 * missing, unknown or revoked → 401 `invalid_api_key`; a `{projectId}` other than the key's
 * workspace → 401 `project_mismatch` (spec README §6). Runs before the body is read.
 */
export function requireProjectCredentials(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const db = app.ctx.db;
    const key = request.headers['x-api-key'];
    const basic = basicCredentials(request);
    const principal = typeof key === 'string' && key.length > 0
      ? await requireApiKey(db, request, key, 'Missing credentials')
      : basic
        ? await requireClient(db, request, basic)
        : null;
    if (!principal) throw new HttpError(401, 'Missing credentials: send x-api-key or Authorization: Basic base64(clientId:clientSecret)', 'invalid_api_key');
    const { projectId } = (request.params ?? {}) as { projectId?: string };
    if (projectId !== undefined && projectId !== principal.workspaceId) {
      throw new HttpError(401, `The credentials do not belong to project ${projectId}`, 'project_mismatch');
    }
  });
}
