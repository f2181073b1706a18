// I1: the inbox in Debian's Chromium against the benchmark dataset — the time from a click on a
// conversation in the list to its messages on screen, p50/p95 over distinct conversations (each
// opened once, so no answer comes from the inbox's memory). The same-run baseline is the page's own
// fetch of the one API call the history needs (GET …/messages?limit=50), timed the same way.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Manifest } from './dataset.ts';

export const I1_TARGET_P95_MS = 300;
const OPENS = 60;
const WARMUP_OPENS = 5;
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;

export interface InboxOpenResult {
  opens: number;
  p50: number;
  p95: number;
  apiP50: number;
  apiP95: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function json(origin: string, apiKey: string, method: string, path: string, body?: unknown): Promise<{ id: string } | null> {
  const response = await fetch(origin + path, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** In the page: click the conversation, resolve when its log shows a message; the elapsed ms. */
const OPEN_AND_WAIT = `(async () => {
  const id = $ID;
  const target = document.querySelector('[role="option"][data-id="' + CSS.escape(id) + '"]');
  if (!target) throw new Error('conversation ' + id + ' is not in the list');
  const shown = () => !!document.querySelector('[role="log"][data-conversation-id="' + CSS.escape(id) + '"] li');
  const start = performance.now();
  target.click();
  await new Promise((resolve, reject) => {
    const check = () => {
      if (shown()) resolve();
      else if (performance.now() - start > 10000) reject(new Error('conversation ' + id + ': no message shown within 10 s'));
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - start;
})()`;

/** In the page: the one API call the history needs, timed the same way. */
const FETCH_MESSAGES = `(async () => {
  const start = performance.now();
  const response = await fetch('/api/v1/conversations/' + encodeURIComponent($ID) + '/messages?limit=50');
  await response.json();
  return performance.now() - start;
})()`;

async function nextUnopened(page: import('playwright-core').Page, opened: Set<string>): Promise<string> {
  for (let scrolls = 0; scrolls < 50; scrolls++) {
    const ids = (await page.evaluate(`[...document.querySelectorAll('[role="listbox"] [role="option"]')].map((n) => n.dataset.id || '')`)) as string[];
    const next = ids.find((id) => id && !opened.has(id));
    if (next) {
      await page.locator(`[role="option"][data-id="${next}"]`).scrollIntoViewIfNeeded();
      return next;
    }
    await page.locator('[role="listbox"]').last().hover();
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(100);
  }
  throw new Error('I1: no conversation left to open in the list');
}

/** Signs a fresh admin in through the form, opens OPENS conversations from the list, one after another. */
export async function measureInboxOpen(manifest: Manifest, origin: string, log: (line: string) => void): Promise<InboxOpenResult> {
  if (!CHROMIUM) throw new Error("I1 needs Debian's chromium package (/usr/bin/chromium)");
  const email = `bench-${Date.now()}@example.com`;
  const password = 'bench inbox password';
  const user = (await json(origin, manifest.apiKey, 'POST', '/api/v1/users', { name: 'Bench Admin', email, password, access: 'admin' }))!;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ baseURL: origin, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const list = page.getByRole('listbox', { name: 'Conversations' });
    await list.getByRole('option').first().waitFor({ timeout: 30_000 });

    const opened = new Set<string>();
    const opens: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < OPENS + WARMUP_OPENS; i++) {
      // The next conversation of the list not opened yet (newest activity first); scroll on when all shown were.
      const id = await nextUnopened(page, opened);
      opened.add(id);
      // Strings, not functions: tsx would wrap the functions' inner closures in a helper the page lacks.
      const elapsed = (await page.evaluate(OPEN_AND_WAIT.replace('$ID', JSON.stringify(id)))) as number;
      const apiElapsed = (await page.evaluate(FETCH_MESSAGES.replace('$ID', JSON.stringify(id)))) as number;
      if (i >= WARMUP_OPENS) {
        opens.push(elapsed);
        api.push(apiElapsed);
      }
    }
    opens.sort((a, b) => a - b);
    api.sort((a, b) => a - b);
    const result = { opens: opens.length, p50: percentile(opens, 50), p95: percentile(opens, 95), apiP50: percentile(api, 50), apiP95: percentile(api, 95) };
    log(
      `  I1: ${result.opens} conversations opened from the list: p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms (messages API alone p95 ${result.apiP95.toFixed(0)} ms)`,
    );
    await context.close();
    return result;
  } finally {
    await browser.close();
    await json(origin, manifest.apiKey, 'DELETE', `/api/v1/users/${user.id}`).catch(() => {});
  }
}
