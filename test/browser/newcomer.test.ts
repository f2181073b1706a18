import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../helpers/harness.ts';
import { axe, consoleOf, needsBrowser, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { signIn } from '../helpers/browser-sign-in.ts';

/**
 * Issue 14's "done when", in one run: the first admin (as `npm start` prints them) signs in,
 * watches a sandbox message arrive without reloading, takes over, answers with text and a file,
 * and resolves — all in the browser, against a server on loopback.
 */

let bh: BrowserHarness | null = null;
before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('sign in, a sandbox message arrives live, take over, answer with text and a file, resolve', async (t) => {
  if (!needsBrowser(t, bh)) return;
  const context = await bh.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  let loads = 0;
  page.on('load', () => loads++);
  await signIn(page, bh);
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
  const loadsBefore = loads;

  // The curl `npm start` prints: a sandbox message from a new person.
  const sent = await call(bh.h, 'POST', `/api/v1/channels/${bh.h.ws.channelId}/inbound`, {
    body: { from: { phone: '5511912340000', name: 'Nova Pessoa' }, message: { type: 'text', text: 'Olá! Preciso de ajuda.' } },
  });
  assert.equal(sent.status, 200, sent.body);
  const { conversationId } = sent.json;
  const entry = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Nova Pessoa/ });
  await entry.waitFor({ timeout: 1000 });
  await entry.click();
  const history = page.getByRole('log', { name: 'Messages' });
  await history.getByText('Olá! Preciso de ajuda.').waitFor();

  await page.getByRole('button', { name: 'Take over' }).click();
  await page.getByRole('button', { name: 'Take over' }).waitFor({ state: 'detached' });
  let conversation = (await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(conversation.status, 'ACTIVE');
  assert.ok(conversation.assigneeUserId, 'assigned to the signed-in admin');

  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('Olá, sou a atendente. Envio o contrato.');
  await page.getByRole('button', { name: 'Send' }).click();
  await history.getByText('Olá, sou a atendente. Envio o contrato.').waitFor();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach file' }).click();
  await (await chooser).setFiles([{ name: 'contrato.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await page.getByRole('button', { name: 'Send' }).click();
  await history.getByRole('link', { name: /contrato\.pdf/ }).waitFor();

  await page.getByRole('button', { name: 'Resolve' }).click();
  await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/conversations/${id}`)).json()).status === 'INACTIVE', conversationId);
  conversation = (await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}`)).json;
  assert.equal(conversation.status, 'INACTIVE');
  const messages = (await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}/messages`)).json.data;
  assert.ok(messages.some((m: { content: string | null }) => m.content === 'Olá, sou a atendente. Envio o contrato.'));
  assert.ok(messages.some((m: { media: { fileName: string } | null }) => m.media?.fileName === 'contrato.pdf'));
  assert.equal(loads, loadsBefore, 'no reload from sign-in to resolve');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});
