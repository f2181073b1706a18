import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The agents' inbox (inbox/, built by bin/inbox.js into a directory of static files): `index.html`
 * for every client route, never cached, under a strict Content-Security-Policy; `/assets/*` with
 * hashed names, cached for a year. The API documentation stays at /docs.
 */

/** No inline scripts or styles anywhere; the inbox talks only to this origin. */
export const INBOX_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The paths the inbox routes in the browser (history API): a reload on any of them gets the app. */
export const CLIENT_ROUTES = ['/', '/login', '/conversations', '/conversations/*', '/settings', '/settings/*', '/invite/*'];

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conversas</title></head><body>
<h1>The inbox is not built</h1><p><code>conversas serve</code> builds it at start (<code>npm start</code>); <code>npm run build:inbox</code> builds it by hand. The API and its documentation are at <a href="/docs/">/docs</a>.</p>
</body></html>`;

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', INBOX_CSP)
    .header('referrer-policy', 'same-origin')
    .type('text/html; charset=utf-8');
}

/** `dir`: the built inbox (index.html and assets/); null or missing serves a page that says how to build it. */
export async function registerInbox(app: FastifyInstance, dir: string | null): Promise<void> {
  const indexFile = dir ? join(dir, 'index.html') : null;
  // The directory is named by the hash of its sources: its index.html never changes under it.
  const indexHtml = indexFile && existsSync(indexFile) ? readFileSync(indexFile) : null;
  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) =>
      // Without a build the page says how to get one: a 200 (never cached), as the API is up
      // (/readyz tells the state of the server; `conversas serve` says on stderr why the build failed).
      htmlHeaders(reply).send(indexHtml ?? NOT_BUILT),
    );
  }
  if (!indexHtml || !dir) return;
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      schemaHide: true,
      index: false,
      dotfiles: 'deny',
      // Vite names every asset by its content hash.
      maxAge: '365d',
      immutable: true,
      // bin/inbox.js writes .br and .gz next to each text asset.
      preCompressed: true,
    });
  });
}
