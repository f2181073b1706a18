import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../helpers/harness.ts';
import { consoleOf, loginAvailable, needsBrowser, NO_LOGIN, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';

/** The inbox follows GET /api/v1/events/stream: a sandbox inbound message shows in the list and the open conversation without a reload. */

let bh: BrowserHarness | null = null;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

async function deliver(b: BrowserHarness, text: string) {
  const res = await call(b.h, 'POST', `/api/v1/channels/${b.h.ws.channelId}/inbound`, {
    key: b.h.ws.apiKey,
    body: { from: { phone: '5511912345678', name: 'Live Person' }, message: { type: 'text', text } },
  });
  assert.equal(res.status, 200, res.body);
  return res.json as { conversationId: string; messageId: string };
}

test('an inbound message appears live in the list, then in the open conversation', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const context = await bh.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto('/');
  await page.getByLabel('Email').fill(bh.h.ws.userEmail);
  await page.getByLabel('Password').fill(bh.h.ws.userPassword);
  const streamOpened = page.waitForRequest((r) => r.url().includes('/api/v1/events/stream'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await streamOpened;
  // The stream starts at the feed's end when it opens: wait until it is open before delivering.
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  const loadsBefore = loads;

  const first = await deliver(bh, 'hello live');
  const list = page.getByRole('listbox', { name: 'Conversations' });
  // Within a second of the commit (inbox.md §6): the inbound call has returned, so it is committed.
  // The row comes with the event; its person's name one request later.
  await list.locator(`[role="option"][data-id="${first.conversationId}"]`).waitFor({ timeout: 1000 });
  const option = list.getByRole('option', { name: /Live Person/ });
  await option.waitFor();
  assert.match((await option.textContent()) ?? '', /1 unread/);

  await option.click();
  await page.waitForURL(`**/conversations/${first.conversationId}`);
  const messages = page.getByRole('log', { name: 'Messages' });
  await messages.getByText('hello live').waitFor();

  const second = await deliver(bh, 'second live');
  assert.equal(second.conversationId, first.conversationId);
  await messages.getByText('second live').waitFor({ timeout: 1000 });
  assert.equal(await messages.getByText('second live').count(), 1);
  assert.equal(await list.getByRole('option').first().getAttribute('data-id'), first.conversationId);
  assert.equal(loads, loadsBefore, 'no reload');

  // The composer's own send and its message.created event show once.
  await page.getByRole('textbox', { name: 'Message' }).fill('live reply');
  await page.getByRole('button', { name: 'Send' }).click();
  await messages.getByText('live reply').waitFor();
  await page.waitForFunction(async (id) => {
    const res = await fetch(`/api/v1/events?types=message.created&limit=200`);
    const body = (await res.json()) as { data: { conversationId: string; payload: { message?: { content?: string } } }[] };
    return body.data.some((e) => e.conversationId === id && e.payload.message?.content === 'live reply');
  }, first.conversationId);
  assert.equal(await messages.getByText('live reply').count(), 1);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
