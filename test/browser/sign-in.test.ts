import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../helpers/harness.ts';
import { axe, consoleOf, loginAvailable, needsBrowser, NO_LOGIN, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { INBOX_CSP } from '../../src/http/inbox.ts';

let bh: BrowserHarness | null = null;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

describe('serving', () => {
  test('index.html on client routes: never cached, strict CSP; assets cached for a year; hidden from the OpenAPI document', async (t) => {
    if (!needsBrowser(t, bh)) return;
    for (const url of ['/', '/login', '/conversations/abc', '/settings/agents', '/invite/xyz']) {
      const response: Response = await fetch(`${bh.baseUrl}${url}`);
      assert.equal(response.status, 200, url);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.equal(response.headers.get('content-security-policy'), INBOX_CSP);
      const html = await response.text();
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'no inline script');
    }
    const html = await (await fetch(`${bh.baseUrl}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')));
    for (const asset of assets) {
      const response: Response = await fetch(`${bh.baseUrl}${asset}`);
      assert.equal(response.status, 200, asset);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    }
    const missing = await fetch(`${bh.baseUrl}/assets/nope-123.js`);
    assert.equal(missing.status, 404);
    const docs = await fetch(`${bh.baseUrl}/docs/`);
    assert.equal(docs.status, 200);
    const openapi = await call(bh.h, 'GET', '/openapi.json');
    assert.ok(!Object.keys(openapi.json.paths).some((p) => p === '/' || p.startsWith('/assets') || p.startsWith('/login')));
  });
});

describe('sign in', () => {
  test('renders with its accessible names, no CSP violations, no serious or critical axe violations (light and dark)', async (t) => {
    if (!needsBrowser(t, bh)) return;
    const context = await bh.context('en-US');
    const page = await context.newPage();
    const log = consoleOf(page);
    const response = await page.goto('/');
    assert.equal(response?.headers()['content-security-policy'], INBOX_CSP);
    await page.getByLabel('Email').waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('type'), 'password');
    assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.deepEqual(await axe(page), []);
    await screenshot(page, 'sign-in');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axe(page), [], 'dark scheme');
    assert.deepEqual(log.cspViolations(), []);
    await context.close();
  });

  test("the browser's language decides; the switcher changes the labels", async (t) => {
    if (!needsBrowser(t, bh)) return;
    const context = await bh.context('pt-BR');
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Senha').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Entrar' }).isVisible());
    assert.equal(await page.getAttribute('html', 'lang'), 'pt-BR');

    await page.getByLabel('Idioma').selectOption('es');
    await page.getByLabel('Contraseña').waitFor();
    assert.ok(await page.getByLabel('Correo electrónico').isVisible());
    assert.ok(await page.getByRole('button', { name: 'Iniciar sesión' }).isVisible());
    assert.deepEqual(await axe(page), []);

    await page.getByLabel('Idioma').selectOption('en');
    await page.getByLabel('Password').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
    // The choice is remembered on this browser.
    await page.reload();
    await page.getByLabel('Password').waitFor();
    await context.close();
  });

  test('a failed sign-in is shown inline, and the form stays', async (t) => {
    if (!needsBrowser(t, bh)) return;
    const context = await bh.context('en-US');
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // 401 once the sessions API is merged; 404 in a branch without it.
    assert.match((await alert.textContent()) ?? '', /Wrong email or password|not available on this server/);
    assert.ok(await page.getByLabel('Email').isVisible());
    assert.deepEqual(await axe(page), []);
    await context.close();
  });

  test('signing in shows the shell; the session is restored on reload', async (t) => {
    if (!needsBrowser(t, bh)) return;
    if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
    const email = `agent-${Date.now()}@example.com`;
    const password = 'a long enough password 1';
    const created = await call(bh.h, 'POST', '/api/v1/users', { body: { name: 'Ana Agent', email, password } });
    assert.equal(created.status, 201, created.body);
    const context = await bh.context('en-US');
    const page = await context.newPage();
    const log = consoleOf(page);
    await page.goto('/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).or(page.getByText('No conversations yet.')).first().waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(log.cspViolations(), []);
    await context.close();
  });
});
