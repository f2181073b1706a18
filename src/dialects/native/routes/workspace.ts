import type { FastifyInstance } from 'fastify';

/** Workspace resources: API keys, inboxes, channels, bots, users, roles, people, groups. */
export async function workspaceRoutes(_app: FastifyInstance): Promise<void> {}
