import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { axe, consoleOf, needsBrowser, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

/**
 * The shell (list, conversation, composer) against the real conversation and message APIs. The
 * sessions API is built in another branch, so here the browser answers /api/v1/auth/* itself and
 * adds the workspace's API key to every other API call; sign-in.test.ts covers the real session.
 */

let bh: BrowserHarness | null = null;
let userId: string;

before(async () => {
  bh = await startBrowserHarness();
  if (!bh) return;
  const user = await call(bh.h, 'POST', '/api/v1/users', { body: { name: 'Ana Agent', email: `ana-${Date.now()}@example.com` } });
  assert.equal(user.status, 201, user.body);
  userId = user.json.id;
});
after(async () => {
  await bh?.close();
});

async function signedInContext(b: BrowserHarness): Promise<BrowserContext> {
  const context = await b.context('en-US');
  await context.route('**/api/v1/**', (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${b.h.ws.apiKey}` } }));
  await context.route('**/api/v1/auth/me', (route) =>
    route.fulfill({
      json: { user: { id: userId, name: 'Ana Agent', email: 'ana@example.com', access: 'admin' }, workspace: { id: b.h.ws.workspaceId, name: 'Test' } },
    }),
  );
  return context;
}

test('the list names each conversation by its person; opening one shows its messages; Send posts a reply', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const first = await inbound(bh.h, { name: 'Maria Silva', text: 'Olá, preciso de ajuda' });
  await inbound(bh.h, { name: 'João Souza', text: 'Bom dia' });
  const context = await signedInContext(bh);
  const page = await context.newPage();
  const log = consoleOf(page);
  await page.goto('/');
  const list = page.getByRole('listbox', { name: 'Conversations' });
  await list.getByRole('option', { name: /Maria Silva/ }).waitFor();
  assert.ok(await list.getByRole('option', { name: /João Souza/ }).isVisible());
  assert.deepEqual(await axe(page), [], 'list');
  await screenshot(page, 'list');

  // Keyboard: Tab reaches the list, arrows move, Enter opens.
  await list.getByRole('option').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/conversations/${first.conversationId}`);
  const messages = page.getByRole('log', { name: 'Messages' });
  await messages.getByText('Olá, preciso de ajuda').waitFor();
  assert.equal(await list.getByRole('option', { name: /Maria Silva/ }).getAttribute('aria-selected'), 'true');

  await page.getByRole('textbox', { name: 'Message' }).fill('Claro, como posso ajudar?');
  await page.getByRole('button', { name: 'Send' }).click();
  await messages.getByText('Claro, como posso ajudar?').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), '');
  const stored = await call(bh.h, 'GET', `/api/v1/conversations/${first.conversationId}/messages`);
  assert.equal(stored.json.data[0].content, 'Claro, como posso ajudar?');
  assert.equal(stored.json.data[0].direction, 'OUTBOUND');
  assert.equal(stored.json.data[0].senderUserId, userId);
  assert.deepEqual(await axe(page), [], 'conversation');
  await screenshot(page, 'conversation');

  // A reload on the conversation's URL opens it again (index.html serves every client route).
  await page.reload();
  await page.getByRole('log', { name: 'Messages' }).getByText('Claro, como posso ajudar?').waitFor();
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], 'conversation, dark');
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('Enter sends, Shift+Enter breaks the line; a refused send is shown inline and keeps the text', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { conversationId } = await inbound(bh.h, { name: 'Carla Dias', text: 'Oi' });
  const context = await signedInContext(bh);
  const page = await context.newPage();
  await page.goto(`/conversations/${conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('linha 1');
  await box.press('Shift+Enter');
  await box.pressSequentially('linha 2');
  await box.press('Enter');
  await page.getByRole('log', { name: 'Messages' }).getByText('linha 1').waitFor();
  const stored = await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}/messages`);
  assert.equal(stored.json.data[0].content, 'linha 1\nlinha 2');

  await context.route(`**/api/v1/conversations/${conversationId}/messages`, (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({ status: 409, json: { error: { code: 'outside_service_window', message: 'The 24-hour window is closed', details: {} } } })
      : route.fallback(),
  );
  await box.fill('não vai');
  await page.getByRole('button', { name: 'Send' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /24-hour window is closed/);
  assert.equal(await box.inputValue(), 'não vai');
  await context.close();
});
