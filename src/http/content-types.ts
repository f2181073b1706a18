import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './problem.ts';

/** Methods whose requests carry a body Fastify parses. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_ONLY = ['application/json'];

/** The media types a route's body schema declares (`content: {type: …}`); JSON otherwise. */
export function acceptedContentTypes(schema: unknown): string[] {
  const content = (schema as { body?: { content?: Record<string, unknown> } } | undefined)?.body?.content;
  return content && typeof content === 'object' ? Object.keys(content) : JSON_ONLY;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body in a type the route does not declare is refused with 415 before it is read: multipart only
 * where files are part of the contract, and no route validates (or takes) a text/plain body.
 */
export function registerContentTypeCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!BODY_METHODS.has(request.method) || request.is404) return;
    const header = request.headers['content-type'];
    const accepted = acceptedContentTypes(request.routeOptions.schema);
    if (header === undefined) {
      if (hasBody(request)) throw new HttpError(415, `Content-Type is missing: send ${accepted.join(' or ')}`, 'unsupported_media_type');
      return;
    }
    const essence = header.split(';')[0].trim().toLowerCase();
    if (!accepted.includes(essence)) {
      throw new HttpError(415, `Content-Type ${essence || '(empty)'} is not accepted here: send ${accepted.join(' or ')}`, 'unsupported_media_type');
    }
  });
}
