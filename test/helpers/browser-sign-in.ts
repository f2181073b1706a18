import type { Page } from 'playwright-core';
import type { BrowserHarness } from './browser.ts';

/** Signs the workspace's first admin in through the sign-in form (the page lands on the list). */
export async function signIn(page: Page, bh: BrowserHarness, credentials = { email: bh.h.ws.userEmail, password: bh.h.ws.userPassword }): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
