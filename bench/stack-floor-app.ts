/**
 * What the stack floors (stack-floor-server.ts for R1, inbound-stack-floor-server.ts for W1) share:
 * a Fastify 5 app with the TypeBox provider and pino at `level`, whose every request is refused
 * with 401 unless its API key's SHA-256 hash names a workspace, as the server checks keys.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

export function stackFloorApp(
  level: string,
  keyOf: (request: FastifyRequest) => string | null,
  workspaceOfHash: (hash: string) => Promise<string | undefined>,
) {
  const app = Fastify({ logger: { level } }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('workspaceId', '');
  app.addHook('onRequest', async (request, reply) => {
    const key = keyOf(request);
    const workspaceId = key === null ? undefined : await workspaceOfHash(createHash('sha256').update(key, 'utf8').digest('hex'));
    if (!workspaceId) return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Invalid or missing API key' });
    (request as unknown as { workspaceId: string }).workspaceId = workspaceId;
  });
  return app;
}

/** The workspace whose key the request carried. */
export const workspaceOf = (request: FastifyRequest): string => (request as unknown as { workspaceId: string }).workspaceId;

/** An error Fastify answers as `{ statusCode, error, message }`. */
export const failure = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });
