import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** Stored media, without auth, like a CDN link: the 128-bit token in the path is the capability. */
export function registerMediaRoutes(app: FastifyInstance): void {
  app.get('/media/:token/:name', {
    schema: { tags: ['media'], summary: 'A stored file', params: Type.Object({ token: Type.String(), name: Type.String() }) },
  }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const media = await app.media.load(token);
    if (!media) return reply.callNotFound();
    return reply
      .header('content-type', media.mimeType)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-disposition', `inline; filename="${media.fileName.replace(/"/g, '')}"`)
      .send(media.content);
  });
}
