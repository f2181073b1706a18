import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem, type Problem } from './problem.ts';
import type { ErrorSurface } from './surfaces.ts';

const INTERNAL: Problem = { status: 500, code: 'internal_server_error', reason: 'internal_error', message: 'Internal server error', fields: {} };

/** Answers any failure in `surface`'s error shape; a 5xx is logged, never shown. */
export function sendProblem(surface: ErrorSurface, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  let problem: Problem;
  try {
    problem = toProblem(error);
  } catch (failure) {
    request.log.error({ err: failure }, 'could not describe an error');
    problem = INTERNAL;
  }
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  // Errors raised by the router skip the onRequest hooks that set it on every other answer.
  reply.header('x-content-type-options', 'nosniff');
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply.code(surface.status?.(problem) ?? problem.status).send(surface.render(problem));
}
