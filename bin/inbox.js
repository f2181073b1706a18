// Builds the agents' inbox (inbox/, Preact) with Vite into static files, cached under
// node_modules/.cache/conversas-inbox/<key>/ the way bin/conversas.js caches the server bundle:
// the key hashes every input (this script, every file under inbox/, and the installed versions of
// the packages the build uses), so a changed source means a new build and an unchanged checkout
// starts without loading Vite at all. Used by `conversas serve`, `npm run build:inbox`, the test
// helpers and bench/inbox-size.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'inbox');
const cacheDir = join(root, 'node_modules', '.cache', 'conversas-inbox');
/** Packages whose code ends up in (or makes) the build: their versions are part of the key. */
const PACKAGES = ['vite', 'preact', '@preact/signals', '@preact/signals-core'];
const KEPT_BUILDS = 8;
const BUILD_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.'))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'missing';
  }
}

/** The cache key of the inbox as the checkout holds it now. */
export function inboxKey() {
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const name of PACKAGES) hash.update(`${name}@${packageVersion(name)}\0`);
  for (const file of filesUnder(sources)) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The built inbox of the current sources, if the cache has it. */
export function cachedInboxDir() {
  const dir = join(cacheDir, inboxKey());
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** Brotli and gzip copies of the text assets, which @fastify/static serves to browsers that accept them. */
function precompress(dir) {
  for (const name of readdirSync(dir).filter((n) => /\.(js|css|svg|json)$/.test(n))) {
    const contents = readFileSync(join(dir, name));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(contents, { level: 9 }));
  }
}

function pruneCache() {
  const builds = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name))
    .map((entry) => ({ path: join(cacheDir, entry.name), built: statSync(join(cacheDir, entry.name)).mtimeMs }))
    .sort((a, b) => b.built - a.built);
  for (const old of builds.slice(KEPT_BUILDS)) {
    if (Date.now() - old.built > BUILD_MAX_AGE_MS) rmSync(old.path, { recursive: true, force: true });
  }
}

/**
 * The directory of the built inbox (index.html and assets/), building it first when the cache has
 * no build of the current sources. Concurrent builders each write a staging directory and rename
 * it into place; the first one wins, the others' copies are dropped.
 */
export async function ensureInbox({ quiet = true } = {}) {
  const key = inboxKey();
  const dir = join(cacheDir, key);
  if (existsSync(join(dir, 'index.html'))) return dir;
  const { build } = await import('vite');
  const staging = `${dir}.${process.pid}`;
  mkdirSync(cacheDir, { recursive: true });
  await build({
    configFile: join(sources, 'vite.config.ts'),
    logLevel: quiet ? 'warn' : 'info',
    build: { outDir: staging, emptyOutDir: true },
  });
  precompress(join(staging, 'assets'));
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  pruneCache();
  return dir;
}

// `node bin/inbox.js` (npm run build:inbox): build if needed and print where the files are.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = await ensureInbox({ quiet: false });
  process.stdout.write(`${dir}\n`);
}
