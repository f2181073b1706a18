import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Ctx } from './domain/context.ts';

export interface Workers { stop(): Promise<void> }

/** Background loops of one server process: the outbox dispatcher, the inactivity sweep. (Being built.) */
export function startWorkers(_ctx: Ctx, _config: Config, _log: FastifyBaseLogger): Workers {
  return { stop: async () => {} };
}
