import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { call } from '../helpers/harness.ts';
import { axe, consoleOf, needsBrowser, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { makeAgent } from '../helpers/sessions.ts';

/** Settings (inbox.md §4.7): agents and invitations, saved replies, API keys, the agent's own password. */

let bh: BrowserHarness | null = null;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

async function signedIn(
  b: BrowserHarness,
  email: string,
  password: string,
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page; log: ReturnType<typeof consoleOf> }> {
  const context = await b.context(locale);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.baseUrl });
  const page = await context.newPage();
  const log = consoleOf(page);
  await page.goto('/');
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  await page.locator('form.sign-in button[type="submit"]').click();
  await page.locator('header.top').waitFor();
  return { context, page, log };
}

/** axe in light and dark on what the page shows now. */
async function axeBoth(page: Page, what: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(await axe(page), [], `${what} (light)`);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], `${what} (dark)`);
  await page.emulateMedia({ colorScheme: 'light' });
}

async function copiedFrom(page: Page, button: ReturnType<Page['getByRole']>): Promise<string> {
  await button.click();
  await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

test('admin: an API key is shown once, works with Bearer, and answers 401 once revoked', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { context, page, log } = await signedIn(bh, bh.h.ws.userEmail, bh.h.ws.userPassword);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.waitForURL('**/settings/agents');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL('**/settings/api-keys');
  await page.getByRole('heading', { name: 'API keys', level: 2 }).waitFor();
  await page.getByRole('table', { name: 'API keys' }).getByRole('rowheader', { name: 'default' }).waitFor();
  await axeBoth(page, 'API keys');

  await page.getByRole('button', { name: 'New API key' }).click();
  const create = page.getByRole('dialog', { name: 'New API key' });
  await create.getByLabel('Name').fill('CRM integration');
  await axeBoth(page, 'new API key dialog');
  await create.getByRole('button', { name: 'Create key' }).click();

  const issued = page.getByRole('dialog', { name: 'API key “CRM integration”' });
  await issued.waitFor();
  await issued.getByText('you won’t see it again').waitFor();
  const key = await issued.getByLabel('API key').inputValue();
  assert.match(key, /^cvs_live_[0-9A-Za-z]{32}$/);
  assert.match(await issued.getByLabel('Client ID').inputValue(), /^cvs_client_/);
  assert.ok((await issued.getByLabel('Client secret').inputValue()).length >= 32);
  assert.equal(await copiedFrom(page, issued.getByRole('button', { name: 'Copy API key' })), key, 'the copy button copies the key');
  await axeBoth(page, 'issued key dialog');
  await screenshot(page, 'settings-api-key');
  await issued.getByRole('button', { name: 'I have copied it' }).click();
  await issued.waitFor({ state: 'detached' });

  // Once closed, the key is nowhere on the page; the list shows only its prefix.
  assert.equal(await page.getByText(key).count(), 0);
  assert.equal(await page.locator(`input[value="${key}"]`).count(), 0);
  const row = page.getByRole('row', { name: /CRM integration/ });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(`${key.slice(0, 12)}…`));
  assert.match((await row.textContent()) ?? '', /Never/);

  const works = await call(bh.h, 'GET', '/api/v1/conversations', { key });
  assert.equal(works.status, 200, works.body);

  await row.getByRole('button', { name: 'Revoke CRM integration' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke “CRM integration”?' });
  await axeBoth(page, 'revoke dialog');
  await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
  await confirm.waitFor({ state: 'detached' });
  await row.getByText(/^Revoked /).waitFor();
  const refused = await call(bh.h, 'GET', '/api/v1/conversations', { key });
  assert.equal(refused.status, 401, refused.body);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('admin: saved replies are created, edited and deleted; a taken shortcut is shown on the field', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { context, page, log } = await signedIn(bh, bh.h.ws.userEmail, bh.h.ws.userPassword);
  await page.goto('/settings/saved-replies');
  await page.getByRole('heading', { name: 'Saved replies', level: 2 }).waitFor();
  await page
    .getByText('No saved replies yet.')
    .or(page.getByRole('table', { name: 'Saved replies' }))
    .first()
    .waitFor();
  await axeBoth(page, 'saved replies');

  await page.getByRole('button', { name: 'New saved reply' }).click();
  let dialog = page.getByRole('dialog', { name: 'New saved reply' });
  await dialog.getByLabel('Shortcut').fill('hello');
  await dialog.getByLabel('Text', { exact: true }).fill('Hi {{name}}, how can I help?');
  await axeBoth(page, 'new saved reply dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByRole('row', { name: /\/hello/ });
  await row.getByText('Hi {{name}}, how can I help?').waitFor();

  // The same shortcut again: 409 shortcut_taken, shown on the Shortcut field; the dialog stays.
  await page.getByRole('button', { name: 'New saved reply' }).click();
  dialog = page.getByRole('dialog', { name: 'New saved reply' });
  await dialog.getByLabel('Shortcut').fill('hello');
  await dialog.getByLabel('Text', { exact: true }).fill('Another text');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/saved-replies') && r.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Save' }).click();
  assert.equal((await answer).status(), 409);
  const shortcut = dialog.getByLabel('Shortcut');
  await dialog.getByText('The shortcut /hello is already in use. Choose another.').waitFor();
  assert.equal(await shortcut.getAttribute('aria-invalid'), 'true');
  assert.match((await shortcut.getAttribute('aria-describedby')) ?? '', /reply-shortcut-problem/);
  await axeBoth(page, 'taken shortcut');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });

  await row.getByRole('button', { name: 'Edit /hello' }).click();
  dialog = page.getByRole('dialog', { name: 'Edit /hello' });
  assert.equal(await dialog.getByLabel('Shortcut').inputValue(), 'hello');
  await axeBoth(page, 'edit saved reply dialog');
  await dialog.getByLabel('Text', { exact: true }).fill('Hello {{name}}!');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.getByText('Hello {{name}}!').waitFor();

  await row.getByRole('button', { name: 'Delete /hello' }).click();
  dialog = page.getByRole('dialog', { name: 'Delete /hello?' });
  await axeBoth(page, 'delete saved reply dialog');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await row.waitFor({ state: 'detached' });
  const left = await call(bh.h, 'GET', '/api/v1/saved-replies');
  assert.equal(left.json.data.length, 0);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('admin: an agent is created with access and inboxes, invited (the link once, with a copy button), edited; the last admin stays', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { context, page, log } = await signedIn(bh, bh.h.ws.userEmail, bh.h.ws.userPassword);
  await page.goto('/settings');
  await page.waitForURL('**/settings/agents');
  const table = page.getByRole('table', { name: 'Agents' });
  await table.getByRole('rowheader', { name: /Admin/ }).first().waitFor();
  await axeBoth(page, 'agents');

  await page.getByRole('button', { name: 'New agent' }).click();
  const form = page.getByRole('dialog', { name: 'New agent' });
  await form.getByLabel('Name').fill('Bruna Lima');
  await form.getByLabel('Email').fill('bruna@example.com');
  await form.getByRole('radio', { name: /^Agent/ }).check();
  await form.getByRole('checkbox', { name: /All inboxes/ }).uncheck();
  await form.getByRole('checkbox', { name: 'Inbox', exact: true }).check();
  await form.getByRole('checkbox', { name: 'Only the conversations assigned to them' }).check();
  await axeBoth(page, 'new agent dialog');
  await form.getByRole('button', { name: 'Create agent' }).click();

  // Created without a password: the invitation follows at once.
  const invite = page.getByRole('dialog', { name: 'Invitation for Bruna Lima' });
  await invite.waitFor();
  const url = await invite.getByLabel('Invitation link').inputValue();
  assert.match(url, new RegExp(`^${bh.baseUrl}/invite/[A-Za-z0-9_-]{43}$`));
  await invite.getByText(/^Valid until /).waitFor();
  assert.equal(await copiedFrom(page, invite.getByRole('button', { name: 'Copy Invitation link' })), url);
  await axeBoth(page, 'invitation dialog');
  await screenshot(page, 'settings-invite');
  await invite.getByRole('button', { name: 'Done' }).click();
  await invite.waitFor({ state: 'detached' });

  const created = (await call(bh.h, 'GET', '/api/v1/users', { query: { email: 'bruna@example.com' } })).json.data[0];
  assert.equal(created.access, 'agent');
  assert.equal(created.onlyAssignedConversations, true);
  assert.deepEqual(created.inboxIds, [bh.h.ws.inboxId]);
  assert.equal(created.hasPassword, false);
  const row = table.getByRole('row', { name: /Bruna Lima/ });
  await row.getByText('Not set yet').waitFor();
  // The invitation works (the invitation page has its own test).
  const described = await fetch(`${bh.baseUrl}/api/v1/auth/invite/${url.split('/').pop()}`);
  assert.equal(described.status, 200);

  await row.getByRole('button', { name: 'Edit Bruna Lima' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Bruna Lima' });
  await edit.getByRole('radio', { name: /^Admin/ }).check();
  await edit.getByRole('checkbox', { name: /All inboxes/ }).check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
  await row.getByRole('cell', { name: 'Admin', exact: true }).waitFor();
  const edited = (await call(bh.h, 'GET', `/api/v1/users/${created.id}`)).json;
  assert.equal(edited.access, 'admin');
  assert.equal(edited.inboxIds, null);

  // The signed-in admin is the last admin with a password: demoting them is refused on the Access field.
  const me = table.getByRole('row', { name: /you/ });
  await me.getByRole('button', { name: /^Edit / }).click();
  const mine = page.getByRole('dialog', { name: /^Edit / });
  await mine.getByRole('radio', { name: /^Agent/ }).check();
  await mine.getByRole('button', { name: 'Save' }).click();
  await mine.getByText('This is the last admin who can sign in. Make someone else an admin first.').waitFor();
  await axeBoth(page, 'last admin refused');
  await mine.getByRole('button', { name: 'Cancel' }).click();

  await row.getByRole('button', { name: 'Delete Bruna Lima' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Bruna Lima?' });
  await axeBoth(page, 'delete agent dialog');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await call(bh.h, 'GET', `/api/v1/users/${created.id}`)).status, 404);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('an agent has no Settings link, sees only Account, and changes their password', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const agent = await makeAgent(bh.h, { name: 'Carla Agent' });
  const { context, page, log } = await signedIn(bh, agent.email, agent.password);
  const other = await bh.context('en-US');
  const otherPage = await other.newPage();
  await otherPage.goto('/');
  await otherPage.locator('#sign-in-email').fill(agent.email);
  await otherPage.locator('#sign-in-password').fill(agent.password);
  await otherPage.locator('form.sign-in button[type="submit"]').click();
  await otherPage.locator('header.top').waitFor();

  assert.equal(await page.getByRole('link', { name: 'Settings' }).count(), 0, 'no Settings link for an agent');
  await page.getByRole('link', { name: 'Account' }).click();
  await page.waitForURL('**/settings/account');
  const nav = page.getByRole('navigation', { name: 'Settings' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Account']);
  await page.getByRole('heading', { name: 'Change password' }).waitFor();
  await axeBoth(page, 'account');

  // An admin section's URL says it is for admins.
  await page.goto('/settings/api-keys');
  await page.getByText('This section is for admins.', { exact: false }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'New API key' }).count(), 0);
  await axeBoth(page, 'admins only');
  await page.goto('/settings');
  await page.waitForURL('**/settings/account');

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill('carla new password');
  await page.getByLabel('Repeat the new password').fill('carla new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('This is not your current password.').waitFor();
  assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
  await axeBoth(page, 'wrong current password');

  await page.getByLabel('Repeat the new password').fill('something else');
  await page.getByLabel('Current password').fill(agent.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('The two passwords are not the same.').waitFor();

  await page.getByLabel('Repeat the new password').fill('carla new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('status').filter({ hasText: 'Your password was changed.' }).waitFor();
  assert.equal(await page.getByLabel('Current password').inputValue(), '');

  // This session stays; the other one ended.
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(me, 200);
  const otherMe = await otherPage.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(otherMe, 401);
  const relogin = await bh.h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: agent.email, password: 'carla new password' } });
  assert.equal(relogin.statusCode, 200);
  assert.deepEqual(log.cspViolations(), []);
  await other.close();
  await context.close();
});

test('the settings speak Portuguese and Spanish', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { context, page, log } = await signedIn(bh, bh.h.ws.userEmail, bh.h.ws.userPassword, 'pt-BR');
  await page.getByRole('link', { name: 'Configurações' }).click();
  const nav = page.getByRole('navigation', { name: 'Configurações' });
  await nav.getByRole('link', { name: 'Atendentes' }).waitFor();
  await page.getByRole('button', { name: 'Novo atendente' }).waitFor();
  await nav.getByRole('link', { name: 'Chaves de API' }).click();
  await page.getByRole('button', { name: 'Nova chave de API' }).waitFor();
  await axeBoth(page, 'pt-BR API keys');
  await nav.getByRole('link', { name: 'Respostas prontas' }).click();
  await page.getByRole('button', { name: 'Nova resposta pronta' }).waitFor();

  await page.getByLabel('Idioma').selectOption('es');
  const navEs = page.getByRole('navigation', { name: 'Configuración' });
  await navEs.getByRole('link', { name: 'Respuestas guardadas' }).waitFor();
  await page.getByRole('button', { name: 'Nueva respuesta guardada' }).waitFor();
  await navEs.getByRole('link', { name: 'Cuenta' }).click();
  await page.getByRole('button', { name: 'Cambiar contraseña' }).waitFor();
  await page.getByLabel('Contraseña actual').waitFor();
  await navEs.getByRole('link', { name: 'Agentes' }).click();
  await page.getByRole('button', { name: 'Nuevo agente' }).click();
  await page.getByRole('dialog', { name: 'Nuevo agente' }).getByLabel('Nombre').waitFor();
  await axeBoth(page, 'es new agent');
  await page.getByRole('dialog', { name: 'Nuevo agente' }).getByRole('button', { name: 'Cancelar' }).click();
  await page.getByRole('link', { name: 'Volver a la bandeja' }).click();
  await page.waitForURL(`${bh.baseUrl}/`);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
