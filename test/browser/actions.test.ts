import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { create } from '../helpers/resources.ts';
import { axe, consoleOf, needsBrowser, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

/** The conversation header's actions (inbox.md §4.3, §4.5) and the contact panel (§4.6), signed in as the workspace's admin. */

let bh: BrowserHarness | null = null;
const PHONE = '5511955554444';
let conversationId: string;
let otherConversationId: string;
let agentId: string;
let vip: string;
let lead: string;

before(async () => {
  bh = await startBrowserHarness();
  if (!bh) return;
  const h = bh.h;
  agentId = (await create(h, 'users', { name: 'Bruno Agent', email: `bruno-${Date.now()}@example.com` })).id;
  await create(h, 'roles', { name: 'Billing' });
  vip = (await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'VIP', color: '#b42318' })).id;
  lead = (await create(h, 'tags', { inboxId: h.ws.inboxId, name: 'Lead', color: '#fde68a' })).id;
  conversationId = (await inbound(h, { name: 'Maria Silva', phone: PHONE, text: 'Preciso de ajuda' })).conversationId;
  const sales = (await create(h, 'inboxes', { name: 'Vendas' })).id;
  const channel = (await create(h, 'channels', { inboxId: sales, kind: 'sandbox', name: 'Vendas sandbox' })).id;
  const other = await call(h, 'POST', `/api/v1/channels/${channel}/inbound`, {
    body: { from: { phone: PHONE, name: 'Maria Silva' }, message: { type: 'text', text: 'Quero comprar' } },
  });
  assert.equal(other.status, 200, other.body);
  otherConversationId = other.json.conversationId;
  // Read: the list starts without unread counts, so "Mark unread" is what brings one back.
  for (const id of [conversationId, otherConversationId]) assert.equal((await call(h, 'POST', `/api/v1/conversations/${id}/read`)).status, 200);
});
after(async () => {
  await bh?.close();
});

async function noViolations(page: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(await axe(page), [], `${what} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);

test('the header acts on the conversation: hand to queue, assign, tags, pin, resolve; the contact panel edits the person and opens their other conversation; mark unread', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const h = bh.h;
  const context = await bh.context('en-US');
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  const log = consoleOf(page);
  await page.goto('/');
  await page.getByLabel('Email').fill(h.ws.userEmail);
  await page.getByLabel('Password').fill(h.ws.userPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const list = page.getByRole('listbox', { name: 'Conversations' });
  const entry = list.locator(`[data-id="${conversationId}"]`);
  await entry.waitFor();
  await entry.click();
  await page.waitForURL(`**/conversations/${conversationId}`);
  const header = page.locator('header.conversation-header');
  const title = page.getByRole('heading', { level: 2, name: /Maria Silva/ });
  await title.waitFor();
  await header.getByText('+5511955554444').waitFor();
  await header.getByText('No agent').waitFor();
  const toolbar = page.getByRole('toolbar', { name: 'Conversation actions' });
  const button = (name: string) => toolbar.getByRole('button', { name, exact: true });
  assert.equal(await page.getByRole('button', { name: 'Resolve' }).count(), 1, 'Resolve is on screen once');
  assert.equal(await page.getByRole('button', { name: 'Take over' }).count(), 0, 'Take over is the composer’s');
  await noViolations(page, 'header');

  // Keyboard: the toolbar is one Tab stop; the arrows move inside it.
  await button('Hand to queue').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focusedName(page), 'Assign');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focusedName(page), 'Hand to queue');

  // Hand to a queue: the menu opens, Escape closes it and gives focus back; chosen by keyboard.
  await button('Hand to queue').click();
  const queueMenu = page.getByRole('menu', { name: 'Hand to queue' });
  await queueMenu.waitFor();
  await noViolations(page, 'hand to queue menu');
  await page.keyboard.press('Escape');
  await queueMenu.waitFor({ state: 'detached' });
  assert.equal(await focusedName(page), 'Hand to queue');
  await page.keyboard.press('ArrowDown');
  await queueMenu.getByRole('menuitemradio', { name: 'Any queue' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'menuitemradio');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedName(page), 'Billing');
  await page.keyboard.press('Enter');
  await header.locator('.status', { hasText: 'Waiting' }).waitFor();
  await entry.locator('.status', { hasText: 'Waiting' }).waitFor();
  assert.equal(await focusedName(page), 'Hand to queue', 'focus back on the menu button');
  let state = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(state.status, 'WAITING');
  assert.ok(state.roleId, 'handed to the Billing queue');

  // Assign to another agent, then to nobody.
  await button('Assign').click();
  const assignMenu = page.getByRole('menu', { name: 'Assign' });
  await assignMenu.getByRole('menuitemradio', { name: 'Bruno Agent' }).waitFor();
  assert.equal(await assignMenu.getByRole('menuitemradio', { name: 'Me' }).count(), 1);
  assert.equal(await assignMenu.getByRole('menuitemradio', { name: 'Nobody' }).getAttribute('aria-checked'), 'true');
  await noViolations(page, 'assign menu');
  await assignMenu.getByRole('menuitemradio', { name: 'Bruno Agent' }).click();
  await header.getByText('Assigned to Bruno Agent').waitFor();
  await entry.locator('.status', { hasText: 'In support' }).waitFor();
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.assigneeUserId, agentId);
  await button('Assign').click();
  await assignMenu.getByRole('menuitemradio', { name: 'Nobody' }).click();
  await header.getByText('No agent').waitFor();
  await header.locator('.status', { hasText: 'Waiting' }).waitFor();
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.assigneeUserId, null);

  // Tags: a checkbox menu that stays open while tags are toggled.
  await button('Edit tags').click();
  const tagMenu = page.getByRole('menu', { name: 'Edit tags' });
  await tagMenu.getByRole('menuitemcheckbox', { name: 'VIP' }).click();
  await tagMenu.getByRole('menuitemcheckbox', { name: 'Lead' }).click();
  const chips = header.getByRole('list', { name: 'Tags' });
  await chips.getByText('Lead').waitFor();
  await chips.getByText('VIP').waitFor();
  assert.equal(await tagMenu.getByRole('menuitemcheckbox', { name: 'VIP' }).getAttribute('aria-checked'), 'true');
  await noViolations(page, 'tags menu and chips');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'conversation-tags-menu-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await tagMenu.getByRole('menuitemcheckbox', { name: 'VIP' }).focus();
  await page.keyboard.press('Enter');
  await chips.getByText('VIP').waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await tagMenu.waitFor({ state: 'detached' });
  assert.equal(await focusedName(page), 'Edit tags');
  assert.deepEqual((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.tagIds, [lead]);
  assert.notEqual(vip, lead);

  // Pin and unpin.
  await button('Pin').click();
  await header.getByText('Pinned', { exact: true }).waitFor();
  assert.equal(await button('Pin').getAttribute('aria-pressed'), 'true');
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.isFixed, true);
  await button('Pin').click();
  await header.getByText('Pinned', { exact: true }).waitFor({ state: 'detached' });
  assert.equal(await button('Pin').getAttribute('aria-pressed'), 'false');

  // Resolve: the header and the list say so.
  await page.getByRole('button', { name: 'Resolve' }).click();
  await header.locator('.status', { hasText: 'Resolved' }).waitFor();
  await entry.locator('.status', { hasText: 'Resolved' }).waitFor();
  state = (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(state.status, 'INACTIVE');
  await screenshot(page, 'conversation-actions');

  // The contact panel: a complementary landmark; refusals show beside their field; a new name reaches the list.
  const panel = page.getByRole('complementary', { name: 'Contact' });
  const name = panel.getByLabel('Name', { exact: true });
  await name.waitFor();
  assert.equal(await name.inputValue(), 'Maria Silva');
  await noViolations(page, 'contact panel');
  const phone = panel.getByLabel('Phone');
  await phone.fill('12');
  await panel.getByRole('button', { name: 'Save contact' }).click();
  await panel.locator('#contact-phoneNumber-error').waitFor();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  await noViolations(page, 'contact panel with an error');
  await phone.fill('+5511955554444');
  await name.fill('Maria Souza');
  await panel.getByRole('button', { name: 'Save contact' }).click();
  await panel.getByText('Saved.').waitFor();
  await list
    .getByRole('option', { name: /Maria Souza/ })
    .first()
    .waitFor();
  await page.getByRole('heading', { level: 2, name: /Maria Souza/ }).waitFor();

  // It folds away and back from the keyboard.
  const toggle = panel.getByRole('button', { name: 'Contact details' });
  await toggle.focus();
  await page.keyboard.press('Enter');
  await name.waitFor({ state: 'detached' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('Enter');
  await name.waitFor();

  // Their other conversation (the same phone in another inbox) opens from the panel.
  const otherLink = panel.getByRole('link', { name: 'Vendas' });
  await otherLink.waitFor();
  await otherLink.click();
  await page.waitForURL(`**/conversations/${otherConversationId}`);
  await page.getByRole('log', { name: 'Messages' }).getByText('Quero comprar').waitFor();

  // Mark unread: back to the list, which shows the count.
  const otherEntry = list.locator(`[data-id="${otherConversationId}"]`);
  assert.equal(await otherEntry.locator('.unread').count(), 0);
  await button('Mark unread').click();
  await page.waitForURL((url) => url.pathname === '/');
  await otherEntry.getByText('1 unread').waitFor();
  assert.equal((await call(h, 'GET', `/api/v1/conversations/${otherConversationId}`)).json.unreadCount, 1);

  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('an agent (who may not read channels) sees the inbox in the header, tags the conversation and pins it, with no refused request', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const h = bh.h;
  const email = `carla-${Date.now()}@example.com`;
  const password = 'carla-password-long';
  await create(h, 'users', { name: 'Carla Agent', email, password });
  const { conversationId: id } = await inbound(h, { name: 'Pedro Lima', phone: '5511944443333', text: 'Olá' });
  const context = await bh.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/v1/') && !r.url().includes('/api/v1/auth/') && r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`/conversations/${id}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const header = page.locator('header.conversation-header');
  await page.getByRole('heading', { level: 2, name: /Pedro Lima/ }).waitFor();
  await header.locator('.facts').getByText('Inbox', { exact: true }).waitFor();
  const toolbar = page.getByRole('toolbar', { name: 'Conversation actions' });
  await toolbar.getByRole('button', { name: 'Edit tags', exact: true }).click();
  await page.getByRole('menu', { name: 'Edit tags' }).getByRole('menuitemcheckbox', { name: 'VIP' }).click();
  await header.getByRole('list', { name: 'Tags' }).getByText('VIP').waitFor();
  await page.keyboard.press('Escape');
  await toolbar.getByRole('button', { name: 'Pin', exact: true }).click();
  await header.getByText('Pinned', { exact: true }).waitFor();
  const state = (await call(h, 'GET', `/api/v1/conversations/${id}`)).json;
  assert.deepEqual(state.tagIds, [vip]);
  assert.equal(state.isFixed, true);
  assert.deepEqual(refused, []);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
