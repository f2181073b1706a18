import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { URL_NOT_VALID, errorResponses, plainErrorDocs } from '../http/error-responses.ts';

/** Types a browser shows without running anything: served inline. SVG is an image that runs scripts, so it is not here. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+)$/;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * How a stored file is served. The uploader chose its type, so nothing may run on this origin:
 * no sniffing, a sandboxing CSP, and anything but plain images, audio and video as a download.
 */
export function mediaHeaders(mimeType: string, fileName: string): Record<string, string> {
  const type = MEDIA_TYPE.test(mimeType) ? mimeType.toLowerCase() : 'application/octet-stream';
  const name = fileName.replace(/["\\\r\n]/g, '');
  return {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': `${INLINE_TYPES.test(type) ? 'inline' : 'attachment'}; filename="${name}"`,
    'cache-control': 'private, max-age=31536000, immutable',
  };
}

/** Stored media, without auth, like a CDN link: the 128-bit token in the path is the capability. */
export function registerMediaRoutes(app: FastifyInstance): void {
  app.get(
    '/media/:token/:name',
    {
      schema: {
        tags: ['media'],
        operationId: 'getMedia',
        summary: 'A stored file, in the type it was uploaded with (a download unless it is a plain image, audio or video)',
        security: [],
        params: Type.Object({ token: Type.String(), name: Type.String() }),
        response: {
          200: { description: 'The file', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
          ...errorResponses(plainErrorDocs, [[400, URL_NOT_VALID], 414, [404, 'No file has this token']]),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const media = await app.media.load(token);
      if (!media) return reply.callNotFound();
      return reply.headers(mediaHeaders(media.mimeType, media.fileName)).send(media.content);
    },
  );
}
