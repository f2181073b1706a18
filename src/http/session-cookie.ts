import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse, serialize } from 'cookie';

export const SESSION_COOKIE = 'conversas_session';

/** The session token of the `conversas_session` cookie, if any. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  const token = parse(header)[SESSION_COOKIE];
  return token ? token : null;
}

// Secure only over https: browsers drop Secure cookies on http://localhost setups.
const attributes = (publicUrl: string) => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure: publicUrl.startsWith('https:') });

export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string, expiresAt: number): void {
  reply.header('set-cookie', serialize(SESSION_COOKIE, token, { ...attributes(publicUrl), expires: new Date(expiresAt) }));
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.header('set-cookie', serialize(SESSION_COOKIE, '', { ...attributes(publicUrl), expires: new Date(0) }));
}
