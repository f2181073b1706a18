import type { FastifyRequest, RouteOptions } from 'fastify';
import { HttpError } from '../../http/problem.ts';
import type { Db } from '../../db/connect.ts';
import { requireVisibleChannel } from '../../db/repos/channel-scope.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Takes no credentials (login, accepting an invitation, logout). */
    public?: boolean;
    /** Workspace settings: agents are refused with 403. */
    adminOnly?: boolean;
    /** A channel route agents read, for the channels of their inboxes only (others: 404). */
    agentChannelRead?: boolean;
  }
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const isSafe = (method: string | string[]) => [method].flat().every((m) => SAFE_METHODS.includes(m));

// Settings an agent neither reads nor changes; the event feed too, until it is filtered per user.
const ADMIN_ONLY_PATHS = [/^\/api-keys(\/|$)/, /^\/channels(\/|$)/, /^\/bots(\/|$)/, /^\/webhooks(\/|$)/, /^\/events$/];
// Agents read these (names for the screens, saved replies for the composer) but only admins change them.
const ADMIN_WRITES = [/^\/users(\/|$)/, /^\/inboxes(\/|$)/, /^\/roles(\/|$)/, /^\/groups(\/|$)/, /^\/saved-replies(\/|$)/, /^\/tags(\/|$)/];

// Exceptions agents read, for the channels of their inboxes: the composer offers a WhatsApp channel's templates.
const AGENT_CHANNEL_READS = [/^\/channels\/:id\/templates$/];

/** Whether a native route is one of the channel reads agents may make (for their inboxes' channels). */
export function isAgentChannelRead(route: Pick<RouteOptions, 'method' | 'url'>): boolean {
  return isSafe(route.method) && AGENT_CHANNEL_READS.some((p) => p.test(route.url.replace(/^\/api\/v1/, '')));
}

/** Whether a native route (its URL under /api/v1) is for admins only. */
export function isAdminOnly(route: Pick<RouteOptions, 'method' | 'url'>): boolean {
  const path = route.url.replace(/^\/api\/v1/, '');
  if (isAgentChannelRead(route)) return false;
  if (ADMIN_ONLY_PATHS.some((p) => p.test(path))) return true;
  return !isSafe(route.method) && ADMIN_WRITES.some((p) => p.test(path));
}

/** 403 for an agent on an admin-only route; API keys (access null) and admins pass. */
export function refuseAgentOnAdminRoute(request: FastifyRequest): void {
  if (request.routeOptions.config.adminOnly && request.principal?.access === 'agent') {
    throw new HttpError(403, 'This route is for admins; your user has agent access', 'admin_only');
  }
}

/** 404, exactly as for an unknown id, when an agent reads a channel outside their inboxes. */
export async function hideChannelsOutsideAgentInboxes(db: Db, request: FastifyRequest): Promise<void> {
  const principal = request.principal;
  if (!request.routeOptions.config.agentChannelRead || !principal) return;
  await requireVisibleChannel(db, principal, String((request.params as { id?: unknown } | undefined)?.id ?? ''));
}

/**
 * CSRF: a cookie goes with any request the browser makes, so a change made with the session cookie
 * must come from the inbox's own origin. API keys are not sent by browsers on their own: unaffected.
 */
export function requireSameOrigin(request: FastifyRequest, publicUrl: string): void {
  if (isSafe(request.method)) return;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin !== new URL(publicUrl).origin) {
    throw new HttpError(403, 'A change made with the session cookie needs an Origin header equal to PUBLIC_URL', 'origin_mismatch');
  }
}

/** Whether a route can answer 403: agents on admin routes, or a cookie request without the right Origin. */
export const mayRefuse = (route: Pick<RouteOptions, 'method' | 'url'>) => isAdminOnly(route) || !isSafe(route.method);
