import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../domain/api-keys.ts';
import { authenticateClient, authenticateKey } from '../domain/api-keys.ts';
import { authenticateSession } from '../domain/sessions.ts';
import { HttpError } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** What a request presented: an API key, Jelou's Basic client credentials, or the inbox's session cookie. */
export type Credentials = { apiKey: string } | { clientId: string; clientSecret: string } | { sessionToken: string };

/** The bearer token of `Authorization: Bearer …`, if any. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** `Authorization: Basic base64(clientId:clientSecret)`, if any. */
export function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 1 ? null : { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** An API key taken from a header: present when it is a non-empty string. */
export function apiKeyFrom(value: string | string[] | null | undefined): Credentials | null {
  return typeof value === 'string' && value.length > 0 ? { apiKey: value } : null;
}

/**
 * Authenticates with the credentials a dialect read from the request: 401 when missing or
 * unknown, 429 when this address failed too often or the key spent its budget. The rate limits
 * are keyed here, on what was actually resolved, so no other header can open a fresh bucket.
 */
export async function authenticate(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  presented: Credentials | null,
  missingMessage: string,
): Promise<Principal> {
  await app.rateLimits.refuseBlockedAddress(request);
  const db = app.ctx.db;
  const principal =
    presented === null
      ? null
      : 'apiKey' in presented
        ? await authenticateKey(db, presented.apiKey)
        : 'sessionToken' in presented
          ? await authenticateSession(db, presented.sessionToken)
          : await authenticateClient(db, presented.clientId, presented.clientSecret);
  if (!principal) {
    await app.rateLimits.countFailure(request);
    if (presented === null) throw new HttpError(401, missingMessage, 'missing_api_key');
    if ('sessionToken' in presented) throw new HttpError(401, 'The session is unknown, expired or signed out; sign in again', 'invalid_session');
    throw 'apiKey' in presented
      ? new HttpError(401, 'Invalid API key', 'invalid_api_key')
      : new HttpError(401, 'Invalid client credentials', 'invalid_api_key');
  }
  request.principal = principal;
  await app.rateLimits.spend(request, reply);
  return principal;
}
