import type { FastifyInstance } from 'fastify';
import { HttpError } from './problem.ts';

/**
 * No text Conversas stores may hold U+0000: PostgreSQL's text type cannot, and SQLite would keep
 * what PostgreSQL refuses. It is refused at the edge, the same on both engines.
 */
export const hasNul = (text: string) => text.includes('\u0000');

export const nulInField = (field: string) =>
  new HttpError(400, `${field} contains a NUL character (\\u0000), which text cannot hold`, 'validation_failed', { [field]: ['contains a NUL character'] });

const ENCODED_NUL = /%00/i;

/** Path and query: a `%00` anywhere in the URL is refused before routing reads it. */
export function registerUrlNulCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (ENCODED_NUL.test(request.url) || hasNul(request.url)) {
      throw new HttpError(400, 'The URL contains a NUL character (%00), which no id or text can hold', 'invalid_url');
    }
  });
}
