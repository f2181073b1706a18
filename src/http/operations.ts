import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Store } from '../db/connect.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { storageUnavailable } from '../db/storage-probe.ts';
import { URL_NOT_VALID, errorResponses, plainErrorDocs } from './error-responses.ts';

/** Liveness and readiness, without auth. */
export function registerOperationsRoutes(app: FastifyInstance, store: Store): void {
  const Health = Type.Object({ status: Type.String() });
  const urlRefused = errorResponses(plainErrorDocs, [[400, URL_NOT_VALID]]);
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], operationId: 'checkLiveness', summary: 'The process is alive', security: [], response: { 200: Health, ...urlRefused } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        operationId: 'checkReadiness',
        summary: 'The database is reachable and migrated, and writes can commit',
        security: [],
        response: {
          200: Health,
          ...urlRefused,
          503: Type.Object(
            { status: Type.String(), reason: Type.String() },
            { description: 'Not ready: the database is unreachable, migrations are pending, or the storage refuses writes' },
          ),
        },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(store.db);
        const pending = await pendingMigrations(store);
        if (pending.length > 0) return reply.code(503).send({ status: 'unavailable', reason: `pending migrations: ${pending.join(', ')}` });
        const full = await storageUnavailable(store);
        if (full) return reply.code(503).send({ status: 'unavailable', reason: full });
        return { status: 'ready' };
      } catch (error) {
        return reply.code(503).send({ status: 'unavailable', reason: `database unreachable: ${(error as Error).message}` });
      }
    },
  );
}
