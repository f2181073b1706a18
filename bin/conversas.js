#!/usr/bin/env node
// Runs the TypeScript sources right after `npm install`: esbuild bundles them, with the packages
// they use, into plain JavaScript cached under node_modules/.cache, and the bundle runs. A server
// then needs no loader thread (under tsx about 45 MB), and loads a few files instead of some 1,200
// modules. A start finds its bundle without esbuild: the cache key hashes the bundle's inputs, as
// listed by the last build of this checkout (sources by content, packages by their package.json),
// so any changed input means a new build. If the bundle cannot be built or written, the sources run
// through tsx instead. Measurements: bench/results/2026-12-01-startup.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// V8 lets the old generation grow to up to 4× the live heap between full collections. Under a
// burst of writes that took a server from 160 to 240–290 MB resident; growing by at most 1.5×
// kept it under 190 MB at the same throughput (bench/results/2026-11-29-optimisation.md).
if (!process.execArgv.some((arg) => arg.includes('heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=50');

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache', 'conversas');
// One input list per checkout: worktrees that share a node_modules keep theirs apart.
const inputsList = join(cacheDir, `inputs-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.json`);
/** After a build, bundles beyond the newest few are removed once a week old (a running server may still load its chunks). */
const KEPT_BUNDLES = 8;
const BUNDLE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Set in the child process that builds what a start needs (below). */
const BUILD_ONLY = 'CONVERSAS_BUILD_ONLY';

// Left outside the bundle: native code, packages that read files next to their own code or start
// worker threads from them, and the build tools.
const EXTERNAL = ['better-sqlite3', 'pg-native', 'pino', '@fastify/swagger-ui', 'esbuild', 'tsx'];
// Bundled CommonJS packages call require(); an ES module has none of its own.
const REQUIRE = "import { createRequire as __conversasRequire } from 'node:module'; const require = __conversasRequire(import.meta.url);";

/** The cache key: this script (it holds the build options) and every input, by path and content. */
function keyOf(files) {
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The bundle of the current sources, if the last build's inputs still hash to a bundle in the cache. */
function cachedEntry() {
  try {
    const { files } = JSON.parse(readFileSync(inputsList, 'utf8'));
    const entry = join(cacheDir, keyOf(files), 'main.js');
    return existsSync(entry) ? entry : null;
  } catch {
    return null; // no build yet, or an input is gone
  }
}

/** What a bundle depends on: its source files, and for each bundled package its package.json (its version). */
function inputsOf(metafile) {
  const files = new Set(['package.json', 'tsconfig.json'].filter((file) => existsSync(join(root, file))));
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at === -1) {
      files.add(input);
      continue;
    }
    const [scope, name] = input.slice(at + 'node_modules/'.length).split('/');
    files.add(`${input.slice(0, at)}node_modules/${scope.startsWith('@') ? `${scope}/${name}` : scope}/package.json`);
  }
  return [...files].sort();
}

function report(what, error) {
  process.stderr.write(`conversas: could not ${what}: ${error.message}\n`);
}

function writeAtomically(path, contents) {
  const staging = `${path}.${process.pid}`;
  writeFileSync(staging, contents);
  renameSync(staging, path);
}

function pruneCache() {
  const bundles = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name))
    .map((entry) => ({ path: join(cacheDir, entry.name), built: statSync(join(cacheDir, entry.name)).mtimeMs }))
    .sort((a, b) => b.built - a.built);
  for (const old of bundles.slice(KEPT_BUNDLES)) {
    if (Date.now() - old.built > BUNDLE_MAX_AGE_MS) rmSync(old.path, { recursive: true, force: true });
  }
}

async function builtEntry() {
  const { build } = await import('esbuild');
  const outdir = join(root, 'bundle');
  let result;
  let files;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    result = await build({
      absWorkingDir: root,
      entryPoints: ['src/cli/main.ts'],
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      banner: { js: REQUIRE },
      keepNames: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    files = inputsOf(result.metafile);
    // The key is hashed after the build: a file saved (or removed) meanwhile would file this bundle under content it does not hold.
    if (attempt === 3 || files.every((file) => (statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < started)) break;
  }
  const key = keyOf(files);
  const dir = join(cacheDir, key);
  if (!existsSync(join(dir, 'main.js'))) {
    const staging = `${dir}.${process.pid}`;
    for (const file of result.outputFiles) {
      const target = join(staging, relative(outdir, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    // Another process may have written the same bundle meanwhile: either copy will do.
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  writeAtomically(inputsList, JSON.stringify({ files }));
  pruneCache();
  return join(dir, 'main.js');
}

// `serve` also serves the agents' inbox: built with Vite when its sources changed since the last
// build of this checkout (bin/inbox.js, cached the same way), else found in the cache at once.
// CONVERSAS_INBOX_DIR, when set, names a build to serve instead. A failed build leaves the API up.
const wantsInbox = process.argv[2] === 'serve' && !process.env.CONVERSAS_INBOX_DIR;

if (process.env[BUILD_ONLY]) {
  // The child below: build what is missing, report what failed, and leave.
  if (wantsInbox) await import('./inbox.js').then(({ ensureInbox }) => ensureInbox()).catch((error) => report('build the inbox', error));
  if (!cachedEntry()) await builtEntry().catch((error) => report('bundle', error));
  process.exit(0);
}

// Builds run in a child process: the memory esbuild and Vite took would otherwise stay with the
// server for its whole life (a first `serve` idled at 280 MB resident, against 113 MB from the cache).
const inboxModule = wantsInbox ? await import('./inbox.js') : null;
// An unreadable inbox/ counts as not built: the child's build says why.
const cachedInbox = () => {
  try {
    return inboxModule?.cachedInboxDir() ?? null;
  } catch {
    return null;
  }
};
let inbox = cachedInbox();
let entry = cachedEntry();
// Each cache is looked up again only after a build: every lookup hashes its inputs.
if ((wantsInbox && !inbox) || !entry) {
  spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    env: { ...process.env, [BUILD_ONLY]: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  inbox = cachedInbox();
  entry = cachedEntry();
}
if (wantsInbox) {
  if (inbox) process.env.CONVERSAS_INBOX_DIR = inbox;
  else process.stderr.write('conversas: serving without the inbox (it could not be built)\n');
}

if (!entry) {
  process.stderr.write('conversas: running through tsx (the sources could not be bundled)\n');
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry ? pathToFileURL(entry).href : new URL('../src/cli/main.ts', import.meta.url).href);
