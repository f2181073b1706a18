import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, type App } from '../../src/app.ts';
import { builtInbox, consoleOf, needsBrowser, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { signIn } from '../helpers/browser-sign-in.ts';

/**
 * The server restarts under an open inbox (inbox.md §4.8, §6): the inbox says it is reconnecting,
 * keeps the typed text, and when the server is back it catches up from the last event id — the
 * message that arrived while it was down shows once, and nothing shown before shows twice.
 */

let bh: BrowserHarness | null = null;
let restarted: App | null = null;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await restarted?.close();
  await bh?.close();
});

async function deliver(app: App, b: BrowserHarness, text: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/channels/${b.h.ws.channelId}/inbound`,
    headers: { authorization: `Bearer ${b.h.ws.apiKey}` },
    payload: { from: { phone: '5511955554444', name: 'Restart Person' }, message: { type: 'text', text } },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { conversationId: string };
}

test('after a server restart the inbox reconnects, keeps the draft and catches up without gap or duplicate', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const { conversationId } = await deliver(bh.h.app, bh, 'before the restart');
  const context = await bh.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  await signIn(page, bh);
  await page.goto(`/conversations/${conversationId}`);
  const messages = page.getByRole('log', { name: 'Messages' });
  await messages.getByText('before the restart').waitFor();
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  await page.getByRole('textbox', { name: 'Message' }).fill('half-typed answer');

  // The server goes away; a message arrives meanwhile (through another process on the same database).
  const port = Number(new URL(bh.baseUrl).port);
  await bh.h.app.close();
  await page.getByRole('status').getByText('Reconnecting…').waitFor();
  const standIn = await buildApp(bh.h.config, bh.h.store, { logger: false });
  await deliver(standIn, bh, 'while the server was down');
  await standIn.close();

  // The server is back on the same address: the stream resumes from the last event id it saw.
  restarted = await buildApp(bh.h.config, bh.h.store, { logger: false, inboxDir: await builtInbox() });
  await restarted.listen({ port, host: '127.0.0.1' });
  await messages.getByText('while the server was down').waitFor({ timeout: 15_000 });
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  assert.equal(await messages.getByText('before the restart').count(), 1, 'nothing shown before is shown twice');
  assert.equal(await messages.getByText('while the server was down').count(), 1);
  assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), 'half-typed answer', 'the typed text is kept');
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
