import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/api-keys.ts';
import { authenticateClient, authenticateKey } from '../domain/api-keys.ts';
import type { Db } from '../db/connect.ts';
import { HttpError } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

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

/** Authenticates with an API key taken from the request by `extract`; 401 when missing or unknown. */
export async function requireApiKey(db: Db, request: FastifyRequest, key: string | null, missingMessage: string): Promise<Principal> {
  if (!key) throw new HttpError(401, missingMessage, 'missing_api_key');
  const principal = await authenticateKey(db, key);
  if (!principal) throw new HttpError(401, 'Invalid API key', 'invalid_api_key');
  request.principal = principal;
  return principal;
}

export async function requireClient(db: Db, request: FastifyRequest, credentials: { clientId: string; clientSecret: string }): Promise<Principal> {
  const principal = await authenticateClient(db, credentials.clientId, credentials.clientSecret);
  if (!principal) throw new HttpError(401, 'Invalid client credentials', 'invalid_api_key');
  request.principal = principal;
  return principal;
}
