import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.ts';
import { HttpError } from './problem.ts';
import { callerKeyOf } from '../domain/api-keys.ts';

/**
 * Two budgets per process (spec README §5): requests per API key, whichever dialect and credential
 * form (key or Basic client) presents it; and failed or missing credentials per client address, so
 * keys cannot be guessed without limit. Authentication calls them; nothing else keys a bucket.
 */
export interface RateLimits {
  /** Before a credential is checked: 429 while this address has used up its failed attempts. */
  refuseBlockedAddress(request: FastifyRequest): Promise<void>;
  /** A missing or refused credential counts against the address. */
  countFailure(request: FastifyRequest): Promise<void>;
  /** The credential authentication accepted (`request.principal`) spends one request of its key's budget; 429 when it is used up. */
  spend(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits;
  }
}

const WINDOW_MS = 60_000;

type Limiter = (
  request: FastifyRequest,
  options?: { increment?: boolean },
) => Promise<{ max?: number; remaining?: number; ttlInSeconds?: number; isExceeded?: boolean }>;

const tooMany = (message: string, retryAfterSeconds: number) => new HttpError(429, message, 'rate_limited', {}, Math.max(1, retryAfterSeconds));

export async function registerRateLimits(app: FastifyInstance, config: Pick<Config, 'rateLimitPerMinute' | 'authFailuresPerMinute'>): Promise<void> {
  await app.register(rateLimit, { global: false });
  const create = (max: number, keyGenerator: (request: FastifyRequest) => string): Limiter | null =>
    max > 0 ? (app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator }) as Limiter) : null;
  const perKey = create(config.rateLimitPerMinute, (request) => `key:${request.principal ? callerKeyOf(request.principal) : ''}`);
  const perAddress = create(config.authFailuresPerMinute, (request) => `address:${request.ip}`);
  // An address's window starts at its first failure and lasts WINDOW_MS, so none can be blocked a
  // window after the last failure: authenticated requests then skip the store's look-up.
  let lastFailureAt = Number.NEGATIVE_INFINITY;

  app.decorate('rateLimits', {
    async refuseBlockedAddress(request) {
      if (!perAddress || Date.now() - lastFailureAt > WINDOW_MS) return;
      const state = await perAddress(request, { increment: false });
      if (state.remaining === 0) {
        throw tooMany(
          `Too many failed authentication attempts from this address: at most ${state.max} a minute; retry in ${state.ttlInSeconds} s`,
          state.ttlInSeconds ?? 60,
        );
      }
    },
    async countFailure(request) {
      if (!perAddress) return;
      lastFailureAt = Date.now();
      await perAddress(request);
    },
    async spend(request, reply) {
      if (!perKey) return;
      const state = await perKey(request);
      reply
        .header('x-ratelimit-limit', String(state.max))
        .header('x-ratelimit-remaining', String(state.remaining))
        .header('x-ratelimit-reset', String(state.ttlInSeconds));
      if (state.isExceeded)
        throw tooMany(`Rate limit exceeded: ${state.max} requests per minute for this API key; retry in ${state.ttlInSeconds} s`, state.ttlInSeconds ?? 60);
    },
  } satisfies RateLimits);
}
