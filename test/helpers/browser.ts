import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureInbox } from '../../bin/inbox.js';
import { startHarness, type Harness } from './harness.ts';

/**
 * Browser tests: Debian's `chromium` driven by playwright-core (no downloaded browsers). Without
 * it the tests skip with NO_CHROMIUM; .ci/run installs it. CHROMIUM_PATH names another binary.
 */
export const CHROMIUM_PATH =
  [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p)) ?? null;
export const NO_CHROMIUM = "no Chromium: install Debian's chromium package (.ci/run does)";

// The README's screenshots are replaced only on request (`SCREENSHOTS=docs npm test -- test/browser`): a PNG
// differs a little on every run, and a test run should leave the checkout as it found it.
const SCREENSHOTS = fileURLToPath(new URL(process.env.SCREENSHOTS === 'docs' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));

let built: Promise<string> | null = null;
/** The built inbox: once per test process, and from the cache (bin/inbox.js) when the sources did not change. */
export function builtInbox(): Promise<string> {
  built ??= ensureInbox();
  return built;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface BrowserHarness {
  h: Harness;
  /** The app's origin, also its PUBLIC_URL (the Origin a browser sends). */
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (cookies, storage) with the given browser language. */
  context(locale?: string): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The app listening on 127.0.0.1 with the built inbox, and a headless Chromium; null when there is
 * no Chromium (the caller skips with NO_CHROMIUM). The port is chosen first so that PUBLIC_URL is
 * the real origin.
 */
export async function startBrowserHarness(): Promise<BrowserHarness | null> {
  if (!CHROMIUM_PATH) return null;
  const inboxDir = await builtInbox();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const h = await startHarness({ publicUrl: baseUrl }, { inboxDir });
  await h.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
  return {
    h,
    baseUrl,
    browser,
    context: (locale = 'en-US') => browser.newContext({ locale, baseURL: baseUrl }),
    close: async () => {
      await browser.close();
      await h.close();
    },
  };
}

/** Skips the test when `bh` is null (no Chromium); narrows it otherwise. */
export function needsBrowser(t: TestContext, bh: BrowserHarness | null): bh is BrowserHarness {
  if (bh) return true;
  t.skip(NO_CHROMIUM);
  return false;
}

/** Messages the page logs: CSP violations show up here as "Refused to … Content Security Policy". */
export function consoleOf(page: Page): { all: string[]; cspViolations(): string[] } {
  const all: string[] = [];
  page.on('console', (message) => {
    all.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    all.push(`pageerror: ${error.message}`);
  });
  return { all, cspViolations: () => all.filter((line) => /Content Security Policy/i.test(line)) };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/**
 * axe-core's serious and critical violations on the page as it is now. The source is evaluated
 * through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be refused).
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string | null,
      help: v.help as string,
      targets: (v.nodes as any[]).map((n) => String(n.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A PNG of the page in test-results/screenshots/, or in docs/screenshots/ (the README's) with SCREENSHOTS=docs. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Whether this branch has the sessions API (it is built elsewhere): tests that sign in skip until it is merged. */
export async function loginAvailable(h: Harness): Promise<boolean> {
  const response = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'probe@example.com', password: 'x' } });
  return response.statusCode !== 404;
}
export const NO_LOGIN = 'POST /api/v1/auth/login answers 404 in this branch: the sessions API is built elsewhere; this test runs once it is merged';
