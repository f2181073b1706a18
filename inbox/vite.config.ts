import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The agents' inbox: static files with hashed names under /assets/, served by src/http/inbox.ts.
 * bin/inbox.js runs this build (into node_modules/.cache/conversas-inbox/<key>/) and overrides outDir.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    // Every asset is a file of its own: the CSP allows no data: scripts or styles.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
