import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { callerKeyOf, sha256 } from '../domain/api-keys.ts';
import { HttpError } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Creates honour `Idempotency-Key` (native-api.md). `'secret'`: the answer carries a secret shown
     * once (a new API key), so it is never stored; a replay is refused instead of answered again.
     */
    idempotent?: boolean | 'secret';
  }
  interface FastifyRequest {
    idempotency?: { workspaceId: string; apiKeyId: string; route: string; key: string; replayed: boolean };
  }
}

/** The row of one key: scoped to the API key and the route. */
interface KeyOf {
  workspaceId: string;
  apiKeyId: string;
  route: string;
  key: string;
}

const sameKey = (k: KeyOf) => (eb: ExpressionBuilder<Database, 'idempotency_keys'>) =>
  eb.and([eb('workspace_id', '=', k.workspaceId), eb('api_key_id', '=', k.apiKeyId), eb('route', '=', k.route), eb('key', '=', k.key)]);

const WINDOW_MS = 24 * 3600 * 1000;
// A claim whose request never finished (the process died mid-request) may be taken over after this.
const ABANDONED_MS = 60 * 1000;

/**
 * `Idempotency-Key` on creates, scoped to the API key and the route: the first request claims the
 * key, its answer is stored, and a replay with the same body gets that answer; a different body → 409.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (!request.routeOptions.config.idempotent || typeof key !== 'string' || !request.principal) return;
    if (key.length === 0 || key.length > 255) throw new HttpError(400, 'Idempotency-Key must be 1 to 255 characters', 'invalid_idempotency_key');
    const { workspaceId } = request.principal;
    const apiKeyId = callerKeyOf(request.principal);
    const route = `${request.method} ${request.url.split('?')[0]}`;
    const requestHash = sha256(request.rawBody ?? JSON.stringify(request.body ?? null));
    const now = Date.now();
    const thisKey = sameKey({ workspaceId, apiKeyId, route, key });

    const claim = await db
      .insertInto('idempotency_keys')
      .values({
        workspace_id: workspaceId,
        api_key_id: apiKeyId,
        route,
        key,
        request_hash: requestHash,
        status_code: null,
        response_body: null,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(claim.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const existing = await db.selectFrom('idempotency_keys').selectAll().where(thisKey).executeTakeFirst();
      const expired = existing && now - existing.created_at > WINDOW_MS;
      const abandoned = existing && existing.status_code === null && now - existing.created_at > ABANDONED_MS;
      if (existing && !expired && !abandoned) {
        if (existing.request_hash !== requestHash)
          throw new HttpError(409, 'Idempotency-Key was already used with a different request body', 'idempotency_key_reused');
        if (existing.status_code === null) throw new HttpError(409, 'A request with this Idempotency-Key is still in progress', 'idempotency_in_progress');
        if (existing.response_body === null) {
          throw new HttpError(
            409,
            'This Idempotency-Key already completed a request whose answer held a secret shown only once; it is not stored, so it cannot be replayed',
            'idempotency_not_replayable',
          );
        }
        request.idempotency = { workspaceId, apiKeyId, route, key, replayed: true };
        reply.code(existing.status_code).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true');
        return reply.send(existing.response_body);
      }
      await db
        .updateTable('idempotency_keys')
        .set({ request_hash: requestHash, status_code: null, response_body: null, created_at: now })
        .where(thisKey)
        .execute();
    }
    request.idempotency = { workspaceId, apiKeyId, route, key, replayed: false };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim || claim.replayed) return payload;
    const thisKey = sameKey(claim);
    if (reply.statusCode >= 500) await db.deleteFrom('idempotency_keys').where(thisKey).execute();
    else {
      const keepsSecret = request.routeOptions.config.idempotent === 'secret' && reply.statusCode < 300;
      const body = keepsSecret ? null : typeof payload === 'string' ? payload : String(payload ?? '');
      await db.updateTable('idempotency_keys').set({ status_code: reply.statusCode, response_body: body }).where(thisKey).execute();
    }
    return payload;
  });
}
