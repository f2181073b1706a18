/**
 * Where a `--cpu-prof` profile's on-CPU time went, by component: each npm package, each directory
 * of src/, Node's own modules, native functions (by name) and the garbage collector. Self time
 * only; idle samples are left out of the total. Given a component, lists its functions instead.
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [rows] [component]`
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Each module's first line in an esbuild bundle, which marks it with a `// path` comment. */
const bundleModules = new Map<string, { line: number; path: string }[]>();
function modulesOf(url: string): { line: number; path: string }[] {
  let modules = bundleModules.get(url);
  if (!modules) {
    modules = [];
    readFileSync(fileURLToPath(url), 'utf8')
      .split('\n')
      .forEach((text, line) => {
        const marker = /^\/\/ ((?:src|node_modules|bench)\/\S+\.[cm]?[jt]s)$/.exec(text);
        if (marker) modules!.push({ line, path: marker[1]! });
      });
    bundleModules.set(url, modules);
  }
  return modules;
}

/** The source a bundled function came from: the last module marker above its line. */
function unbundled(url: string, line: number): string {
  if (!url.startsWith('file://') || !url.includes('/.cache/conversas/')) return url;
  let source = url;
  for (const module of modulesOf(url)) {
    if (module.line > line) break;
    source = `/${module.path}`;
  }
  return source;
}

/** The component a function belongs to, from its script's URL (its source's, for the server's bundle). */
function componentOf(frame: ProfileNode['callFrame']): string {
  const { functionName } = frame;
  const url = unbundled(frame.url, frame.lineNumber);
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(src|bench)\/([^/]+)(\/|$)/.exec(url);
  if (own) return own[3] === '/' ? `${own[1]}/${own[2]}` : `${own[1]}/*.ts`;
  // node:_http_client and node:internal/streams/readable are node:http and node:streams.
  if (url.startsWith('node:'))
    return `node:${url
      .slice('node:'.length)
      .replace(/^internal\//, '')
      .split('/')[0]!
      .replace(/\.js$/, '')
      .replace(/^_/, '')
      .replace(/_.*$/, '')}`;
  return url;
}

function main(): void {
  const [file, rowsArg, within] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile> [rows] [component]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    const of = componentOf(node.callFrame);
    // Given a component, its functions (with their source) instead.
    const component =
      within === undefined
        ? of
        : of === within
          ? `${node.callFrame.functionName || '(anonymous)'} ${unbundled(node.callFrame.url, node.callFrame.lineNumber)}`
          : 'elsewhere';
    micros.set(component, (micros.get(component) ?? 0) + delta);
    total += delta;
  });
  const rows = [...micros].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 30));
  console.log(`on-CPU ${(total / 1e6).toFixed(2)} s (idle left out)`);
  console.log('| component | share |\n| --- | --: |');
  for (const [component, us] of rows) console.log(`| ${component} | ${((100 * us) / total).toFixed(1)} % |`);
}

main();
