import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { login } from '../helpers/sessions.ts';
import { axe, consoleOf, loginAvailable, needsBrowser, NO_LOGIN, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { initWorkspace, type InitResult } from '../../src/domain/workspaces.ts';
import { seedWorkspace } from '../../src/cli/seed.ts';

/**
 * The conversation list (inbox.md §4.2): views, filters, search, live placement under the current
 * view, and a virtualised listbox that pages with the cursor and keeps its keyboard.
 */

let bh: BrowserHarness | null = null;
let adminId = '';
const people = {
  bot: { name: 'Bianca Robô', phone: '5521970000001' },
  waiting: { name: 'Wanda Espera', phone: '5521970000002' },
  active: { name: 'Alice Atendida', phone: '5521970000003' },
  resolved: { name: 'Rita Resolvida', phone: '5521970000004' },
  accent: { name: 'Íris Núñez', phone: '5521970000005' },
};
const ids: Record<keyof typeof people, string> = { bot: '', waiting: '', active: '', resolved: '', accent: '' };
let otherInbox = { inboxId: '', channelId: '', conversationId: '' };

async function ok(promise: ReturnType<typeof call>, status = 200) {
  const res = await promise;
  assert.equal(res.status, status, res.body);
  return res.json;
}

before(async () => {
  bh = await startBrowserHarness();
  if (!bh || !(await loginAvailable(bh.h))) return;
  const h = bh.h;
  adminId = (await login(h, h.ws.userEmail, h.ws.userPassword)).json.user.id;
  for (const key of Object.keys(people) as (keyof typeof people)[]) {
    ids[key] = (await inbound(h, { name: people[key].name, phone: people[key].phone, text: `oi de ${people[key].name}` })).conversationId;
  }
  await ok(call(h, 'POST', `/api/v1/conversations/${ids.waiting}/handoff`, { body: {} }));
  await ok(call(h, 'POST', `/api/v1/conversations/${ids.active}/assign`, { body: { userId: adminId } }));
  await ok(call(h, 'POST', `/api/v1/conversations/${ids.resolved}/resolve`));
  // A second inbox with its own sandbox channel and one conversation.
  const inbox = await ok(call(h, 'POST', '/api/v1/inboxes', { body: { name: 'Filial Norte' } }), 201);
  const channel = await ok(call(h, 'POST', '/api/v1/channels', { body: { inboxId: inbox.id, kind: 'sandbox', name: 'Sandbox Norte' } }), 201);
  const res = await ok(
    call(h, 'POST', `/api/v1/channels/${channel.id}/inbound`, {
      body: { from: { phone: '5521970000009', name: 'Nora Norte' }, message: { type: 'text', text: 'oi' } },
    }),
  );
  otherInbox = { inboxId: inbox.id, channelId: channel.id, conversationId: res.conversationId };
});
after(async () => {
  await bh?.close();
});

async function signIn(b: BrowserHarness, options: { path?: string; dark?: boolean; as?: InitResult } = {}) {
  const context = await b.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  const peopleRequests: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/v1/people/')) peopleRequests.push(r.url());
  });
  if (options.dark) await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(options.path ?? '/');
  const who = options.as ?? b.h.ws;
  await page.getByLabel('Email').fill(who.userEmail);
  await page.getByLabel('Password').fill(who.userPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { context, page, log, peopleRequests, list: page.getByRole('listbox', { name: 'Conversations' }) };
}

const option = (list: Locator, name: string) => list.getByRole('option', { name: new RegExp(name) });

/** The names of the people the list shows, top to bottom (the rendered rows). */
async function shown(list: Locator): Promise<string[]> {
  return list.getByRole('option').evaluateAll((els) =>
    els
      .map((el) => ({ at: Number(el.getAttribute('aria-posinset')), name: el.querySelector('.name')?.textContent ?? '' }))
      .sort((a, b) => a.at - b.at)
      .map((r) => r.name),
  );
}

/** Waits until the list shows exactly these of the test's people (others may be there too). */
async function expectPeople(page: Page, list: Locator, present: string[], absent: string[]) {
  for (const name of present) await option(list, name).waitFor();
  for (const name of absent) await option(list, name).waitFor({ state: 'detached' });
  assert.ok(page.url());
}

async function noSeriousViolations(page: Page, where: string) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 1)}`);
}

test('views: Mine, Unassigned, Bot and All show what they say, the chosen one survives a reload; axe light and dark', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const all = Object.values(people).map((p) => p.name);
  for (const dark of [false, true]) {
    const { context, page, log, list, peopleRequests } = await signIn(bh, { dark });
    const tabs = page.getByRole('tablist');
    assert.equal(await tabs.getByRole('tab', { name: 'All' }).getAttribute('aria-selected'), 'true');
    await expectPeople(page, list, [...all, 'Nora Norte'], []);
    assert.deepEqual(peopleRequests, [], 'names come with the page, not one request per row');
    await noSeriousViolations(page, `All (${dark ? 'dark' : 'light'})`);
    if (!dark) await screenshot(page, 'list-all');

    await tabs.getByRole('tab', { name: 'Unassigned' }).click();
    await expectPeople(page, list, [people.waiting.name], [people.bot.name, people.active.name, people.resolved.name, 'Nora Norte']);
    await noSeriousViolations(page, `Unassigned (${dark ? 'dark' : 'light'})`);

    await tabs.getByRole('tab', { name: 'Bot' }).click();
    await expectPeople(page, list, [people.bot.name, people.accent.name, 'Nora Norte'], [people.waiting.name, people.active.name, people.resolved.name]);
    await noSeriousViolations(page, `Bot (${dark ? 'dark' : 'light'})`);

    await tabs.getByRole('tab', { name: 'Mine' }).click();
    await expectPeople(page, list, [people.active.name], [people.bot.name, people.waiting.name, people.resolved.name, people.accent.name]);
    await noSeriousViolations(page, `Mine (${dark ? 'dark' : 'light'})`);
    assert.match(page.url(), /[?&]view=mine/);

    // The view is in the address: a reload shows Mine again.
    await page.reload();
    await page.getByRole('tab', { name: 'Mine', selected: true }).waitFor();
    await expectPeople(page, list, [people.active.name], [people.bot.name, people.waiting.name]);

    // The tabs are one Tab stop; the arrow keys choose.
    await page.getByRole('tab', { name: 'Mine' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Unassigned', selected: true }).waitFor();
    await expectPeople(page, list, [people.waiting.name], [people.active.name]);
    assert.deepEqual(log.cspViolations(), []);
    await context.close();
  }
});

test('filters by status and inbox, search by name (accents and case ignored) and by phone', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { context, page, log, list } = await signIn(bh);
  await option(list, people.bot.name).waitFor();

  await page.getByLabel('Status').selectOption({ label: 'In support' });
  await expectPeople(page, list, [people.active.name], [people.bot.name, people.waiting.name, people.resolved.name]);
  await page.getByLabel('Status').selectOption({ label: 'Resolved' });
  await expectPeople(page, list, [people.resolved.name], [people.active.name]);
  await noSeriousViolations(page, 'status filter');
  await page.getByLabel('Status').selectOption({ label: 'Any status' });

  await page.getByLabel('Inbox').selectOption({ label: 'Filial Norte' });
  await expectPeople(page, list, ['Nora Norte'], [people.bot.name, people.active.name]);
  assert.equal(await list.getByRole('option').count(), 1);
  assert.equal(await list.getByRole('option').getAttribute('data-id'), otherInbox.conversationId);
  await page.getByLabel('Inbox').selectOption({ label: 'All inboxes' });
  await option(list, people.bot.name).waitFor();

  // No tags route on this server (404): no tag filter; with one, it lists the workspace's tags.
  const tags = await call(bh.h, 'GET', '/api/v1/tags');
  if (tags.status === 404) assert.equal(await page.getByLabel('Tag').count(), 0);

  const search = page.getByRole('searchbox', { name: 'Search by name or phone' });
  await search.fill('IRIS nunez');
  await expectPeople(page, list, [people.accent.name], [people.bot.name, people.active.name]);
  assert.match(page.url(), /[?&]q=IRIS/);
  await noSeriousViolations(page, 'search');
  await search.fill('+55 21 97000-0002');
  await expectPeople(page, list, [people.waiting.name], [people.accent.name]);
  assert.equal(await list.getByRole('option').count(), 1);
  await search.fill('ninguém-com-este-nome');
  await page.getByText('No conversations match.').waitFor();
  await search.fill('');
  await option(list, people.bot.name).waitFor();
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('a new sandbox message brings its conversation to the top of the open list within 1 s; assigning takes one out of Unassigned', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  const { context, page, log, list } = await signIn(bh);
  await option(list, people.bot.name).waitFor();
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  let loads = 0;
  page.on('load', () => loads++);

  // A person never seen: a new conversation, on top within 1 s (its name follows from GET /people/{id}: events carry no person).
  const atTop = (id: string) =>
    page.waitForFunction((id) => document.querySelector('[role="listbox"] [aria-posinset="1"]')?.getAttribute('data-id') === id, id, { timeout: 1000 });
  const nelson = await inbound(h, { name: 'Nelson Novo', phone: '5521970000010', text: 'primeira' });
  await atTop(nelson.conversationId);
  await option(list, 'Nelson Novo').waitFor();
  // A known conversation further down moves up.
  await inbound(h, { name: people.resolved.name, phone: people.resolved.phone, text: 'voltei' });
  await atTop(ids.resolved);
  assert.equal((await shown(list))[1], 'Nelson Novo');

  // Under Unassigned: a hand-off appears, an assignment leaves.
  await page.getByRole('tab', { name: 'Unassigned' }).click();
  await expectPeople(page, list, [people.waiting.name], [people.bot.name]);
  await ok(call(h, 'POST', `/api/v1/conversations/${ids.bot}/handoff`, { body: {} }));
  await option(list, people.bot.name).waitFor({ timeout: 1000 });
  await ok(call(h, 'POST', `/api/v1/conversations/${ids.waiting}/assign`, { body: { userId: adminId } }));
  await option(list, people.waiting.name).waitFor({ state: 'detached', timeout: 1000 });
  // …and shows under Mine.
  await page.getByRole('tab', { name: 'Mine' }).click();
  await expectPeople(page, list, [people.waiting.name, people.active.name], [people.bot.name]);
  // A search is followed too: a new message from a person who matches shows up.
  await page.getByRole('tab', { name: 'All' }).click();
  await page.getByRole('searchbox', { name: 'Search by name or phone' }).fill('nelson');
  await expectPeople(page, list, ['Nelson Novo'], [people.bot.name]);
  // (Live search is approximate: the new conversation's person is fetched first, then matched.)
  const segundo = await inbound(h, { name: 'Nelson Segundo', phone: '5521970000011', text: 'oi' });
  await option(list, 'Nelson Segundo').waitFor();
  await inbound(h, { name: 'Outra Pessoa', phone: '5521970000012', text: 'oi' });
  await inbound(h, { name: 'Nelson Segundo', phone: '5521970000011', text: 'de novo' });
  await atTop(segundo.conversationId);
  assert.equal(await option(list, 'Outra Pessoa').count(), 0);
  assert.equal(loads, 0, 'no reload');
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('pinned conversations stay first; a new message puts its conversation right below them', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  // Pinning is the actions screen's; the row is set directly here, the list's order is what is tested.
  await h.store.db.updateTable('conversations').set({ is_fixed: 1 }).where('workspace_id', '=', h.ws.workspaceId).where('id', '=', ids.accent).execute();
  const { context, page, log, list } = await signIn(bh);
  await option(list, people.accent.name).waitFor();
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  const first = list.locator('[aria-posinset="1"]');
  assert.equal(await first.getAttribute('data-id'), ids.accent);
  assert.match((await first.textContent()) ?? '', /Pinned/);
  // The keyboard is on Alice's row when her message moves it: it keeps the focus.
  await option(list, people.active.name).focus();
  await inbound(h, { name: people.active.name, phone: people.active.phone, text: 'mais uma' });
  await page.waitForFunction((id) => document.querySelector('[role="listbox"] [aria-posinset="2"]')?.getAttribute('data-id') === id, ids.active, {
    timeout: 1000,
  });
  await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.id === id, ids.active);
  assert.equal(await first.getAttribute('data-id'), ids.accent);
  await noSeriousViolations(page, 'pinned');
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
  await h.store.db.updateTable('conversations').set({ is_fixed: 0 }).where('workspace_id', '=', h.ws.workspaceId).where('id', '=', ids.accent).execute();
});

test('thousands of conversations: few rows in the DOM, pages load while scrolling, the keyboard reaches rows not rendered', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  // A workspace of its own, filled the way `conversas seed` fills one (multi-row inserts, no events).
  const big = await initWorkspace(h.store.db, 'Big', 'big@conversas.local');
  await seedWorkspace(h.store.db, { conversations: 2000, messagesPerConversation: 1, workspaceId: big.workspaceId, randomSeed: 7 });
  const visible = await h.store.db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', big.workspaceId)
    .where('is_archived', '=', 0)
    .executeTakeFirstOrThrow();
  const total = Number(visible.n);
  assert.ok(total > 1500, `${total} conversations to list`);

  const { context, page, log, list } = await signIn(bh, { as: big });
  await list.getByRole('option').first().waitFor();
  const rendered = await list.getByRole('option').count();
  assert.ok(rendered > 5 && rendered < 80, `${rendered} rows rendered`);
  assert.equal(await list.getByRole('option').first().getAttribute('aria-setsize'), '-1', 'more to load');

  // Scrolling to the end loads the next pages, until the last.
  const scroller = page.locator('.conversation-scroller');
  const setSize = () => list.getByRole('option').first().getAttribute('aria-setsize');
  for (let i = 0; i < 40 && (await setSize()) !== String(total); i++) {
    const before = await list.evaluate((el) => (el as HTMLElement).style.height);
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForFunction(
      ({ before, total }) => {
        const box = document.querySelector('[role="listbox"]') as HTMLElement;
        return box.style.height !== before || box.querySelector('[role="option"]')?.getAttribute('aria-setsize') === String(total);
      },
      { before, total },
      { timeout: 5000 },
    );
  }
  await page.waitForFunction((n) => document.querySelector('[role="listbox"] [role="option"]')?.getAttribute('aria-setsize') === String(n), total);
  assert.ok((await list.getByRole('option').count()) < 80, 'still few rows in the DOM');
  await noSeriousViolations(page, 'long list');

  // Home and End jump across rows that are not rendered; the focused row is scrolled in.
  const focused = page.locator('[role="option"]:focus');
  await list.getByRole('option').first().focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '1');
  await page.keyboard.press('End');
  await page.waitForFunction((n) => document.activeElement?.getAttribute('aria-posinset') === String(n), total);
  assert.ok(await focused.isVisible());
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '1');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '2');
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => Number(document.activeElement?.getAttribute('aria-posinset')) > 3);
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-posinset') === '2');
  assert.equal(await page.locator('[role="option"][tabindex="0"]').count(), 1, 'one tab stop');

  // Enter opens the focused conversation.
  const id = await focused.getAttribute('data-id');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/conversations/${id}`);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
