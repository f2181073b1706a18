import type { FastifyInstance } from 'fastify';
import { hasNul, nulInField } from './nul-characters.ts';
import { HttpError } from './problem.ts';

/**
 * Parses JSON bodies as text (kept in `request.rawBody` for signatures and idempotency): `__proto__`
 * keys are dropped, NUL characters refused, and an empty body is no body.
 */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, (key, value) => {
        if (hasNul(key) || (typeof value === 'string' && hasNul(value))) throw nulInField(`body ${JSON.stringify(key)}`);
        return key === '__proto__' ? undefined : value;
      });
    } catch (error) {
      if (error instanceof HttpError) return done(error, undefined);
      // A RangeError is nesting deeper than the parser's stack.
      const reason = error instanceof RangeError ? new Error('nested too deeply') : (error as Error);
      return done(Object.assign(reason, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
    done(null, parsed);
  });
}
