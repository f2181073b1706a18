import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { axe, consoleOf, needsBrowser, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

/** The invitation page (`/invite/{token}`): no session needed; a password chosen twice signs the agent in. */

let bh: BrowserHarness | null = null;

before(async () => {
  bh = await startBrowserHarness();
  // A conversation, so that the list the invited agent lands on has an entry.
  if (bh) await inbound(bh.h, { name: 'Gabriel Cliente', text: 'Olá' });
});
after(async () => {
  await bh?.close();
});

async function invited(b: BrowserHarness, name: string, email: string): Promise<{ id: string; url: string }> {
  const user = await call(b.h, 'POST', '/api/v1/users', { body: { name, email } });
  assert.equal(user.status, 201, user.body);
  const invite = await call(b.h, 'POST', `/api/v1/users/${user.json.id}/invite`);
  assert.equal(invite.status, 200, invite.body);
  return { id: user.json.id, url: invite.json.inviteUrl };
}

async function axeBoth(page: Page, what: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(await axe(page), [], `${what} (light)`);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], `${what} (dark)`);
  await page.emulateMedia({ colorScheme: 'light' });
}

test('the invitation link: who is invited where, a new password twice, then signed in to the inbox; the used link says so', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { id, url } = await invited(bh, 'Diego Souza', 'diego@example.com');
  const context = await bh.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  await page.goto(url);
  const form = page.getByRole('form', { name: 'Welcome to Conversas' });
  await form.getByText('Diego Souza, choose a password to join Test.').waitFor();
  assert.equal(await form.getByLabel('Email').inputValue(), 'diego@example.com');
  await axeBoth(page, 'invitation page');
  await screenshot(page, 'invite');

  // Too short, then two different passwords: said on the field, nothing sent.
  await form.getByLabel('New password').fill('short');
  await form.getByLabel('Repeat the password').fill('short');
  await form.getByRole('button', { name: 'Save password and continue' }).click();
  await form.getByText('The password needs at least 8 characters.').waitFor();
  await form.getByLabel('New password').fill('diego chose this');
  await form.getByLabel('Repeat the password').fill('diego chose that');
  await form.getByRole('button', { name: 'Save password and continue' }).click();
  await form.getByText('The two passwords are not the same.').waitFor();
  assert.equal(await form.getByLabel('Repeat the password').getAttribute('aria-invalid'), 'true');
  await axeBoth(page, 'invitation page with a problem');
  assert.equal((await call(bh.h, 'GET', `/api/v1/users/${id}`)).json.hasPassword, false);

  await form.getByLabel('Repeat the password').fill('diego chose this');
  await form.getByRole('button', { name: 'Save password and continue' }).click();
  await page.waitForURL(`${bh.baseUrl}/`);
  await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  assert.match((await page.locator('header.top .who').textContent()) ?? '', /Diego Souza/);
  assert.equal((await call(bh.h, 'GET', `/api/v1/users/${id}`)).json.hasPassword, true);
  // A real session: it survives a reload.
  await page.reload();
  await page.getByRole('listbox', { name: 'Conversations' }).waitFor();

  // The same link again, in a fresh browser: used.
  const again = await bh.context('en-US');
  const second = await again.newPage();
  const secondLog = consoleOf(second);
  await second.goto(url);
  await second.getByRole('heading', { name: 'This invitation cannot be used' }).waitFor();
  await second.getByRole('alert').filter({ hasText: 'The link has expired or was already used.' }).waitFor();
  await axeBoth(second, 'used invitation');
  await second.getByRole('link', { name: 'Go to the sign-in page' }).click();
  await second.waitForURL('**/login');
  await second.getByLabel('Email').fill('diego@example.com');
  await second.getByLabel('Password').fill('diego chose this');
  await second.getByRole('button', { name: 'Sign in' }).click();
  await second.getByRole('listbox', { name: 'Conversations' }).waitFor();
  assert.deepEqual(log.cspViolations(), []);
  assert.deepEqual(secondLog.cspViolations(), []);
  await again.close();
  await context.close();
});

test('an expired or unknown link says so, in the browser language', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { url } = await invited(bh, 'Elena Ruiz', 'elena@example.com');
  await bh.h.store.db
    .updateTable('user_invitations')
    .set({ expires_at: Date.now() - 1 })
    .where('used_at', 'is', null)
    .execute();
  const context = await bh.context('es-ES');
  const page = await context.newPage();
  const log = consoleOf(page);
  await page.goto(url);
  await page.getByRole('heading', { name: 'Esta invitación no se puede usar' }).waitFor();
  await axeBoth(page, 'expired invitation (es)');
  await page.goto('/invite/not-a-token');
  await page.getByRole('heading', { name: 'Esta invitación no se puede usar' }).waitFor();
  await page.getByLabel('Idioma').selectOption('pt-BR');
  await page.getByRole('heading', { name: 'Este convite não pode ser usado' }).waitFor();
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('a valid link in Portuguese: the form speaks it', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { url } = await invited(bh, 'Fabi Costa', 'fabi@example.com');
  const context = await bh.context('pt-BR');
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText('Fabi Costa, escolha uma senha para entrar em Test.').waitFor();
  await page.getByLabel('Nova senha').fill('fabi escolheu');
  await page.getByLabel('Repita a senha').fill('fabi escolheu');
  await page.getByRole('button', { name: 'Salvar senha e continuar' }).click();
  await page.getByRole('listbox', { name: 'Conversas' }).waitFor();
  await context.close();
});
