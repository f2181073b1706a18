import type { FastifyInstance } from 'fastify';

/** The Jelou-compatible External Support Panel API (jelou-api.md). Being built. */
export async function jelouApi(_app: FastifyInstance): Promise<void> {}
