import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { axe, consoleOf, loginAvailable, needsBrowser, NO_LOGIN, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { FakeGraph } from '../helpers/fake-graph.ts';
import { createWhatsApp, deliver, nowSec, wamid } from '../channels/whatsapp/wa-helpers.ts';
import { inboundText, metaEnvelope } from '../channels/whatsapp/meta-payloads.ts';

/** The composer (inbox.md §4.4): files, replies, notes, saved replies, drafts, take over and WhatsApp's closed window. */

let bh: BrowserHarness | null = null;
let fake: FakeGraph | null = null;
let adminId = '';

before(async () => {
  bh = await startBrowserHarness();
  if (!bh) return;
  fake = await FakeGraph.start();
  const me = await call(bh.h, 'GET', `/api/v1/users?limit=100`);
  adminId = me.json.data.find((u: { email: string }) => u.email === bh!.h.ws.userEmail).id;
});
after(async () => {
  await fake?.close();
  await bh?.close();
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Signed in on the list; `open` goes to a path inside the app without loading the page again. */
async function signIn(b: BrowserHarness): Promise<{ page: Page; close(): Promise<void>; csp(): string[]; open(path: string): Promise<void> }> {
  const context = await b.context('en-US');
  const page = await context.newPage();
  const log = consoleOf(page);
  await page.goto('/');
  await page.getByLabel('Email').fill(b.h.ws.userEmail);
  await page.getByLabel('Password').fill(b.h.ws.userPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const open = (path: string) =>
    page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);
  return { page, close: () => context.close(), csp: () => log.cspViolations(), open };
}

async function signedIn(b: BrowserHarness, path: string): Promise<{ page: Page; close(): Promise<void>; csp(): string[] }> {
  const session = await signIn(b);
  await session.open(path);
  await session.page.getByRole('textbox', { name: 'Message' }).waitFor();
  return session;
}

async function messagesOf(b: BrowserHarness, conversationId: string): Promise<any[]> {
  const res = await call(b.h, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=100`);
  assert.equal(res.status, 200, res.body);
  return res.json.data;
}

/** axe in light and dark: no serious or critical violation. */
async function axeBoth(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(await axe(page), [], `axe, ${state}, ${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('files by picker, drop and paste: chips with size and thumbnail, sent as multipart with the caption, stored and shown', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Ana Files' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const chips = page.getByRole('list', { name: 'Files to send' });
  const log = page.getByRole('log', { name: 'Messages' });

  // The picker: a hidden <input type=file multiple> behind "Attach file".
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach file' }).click();
  await (await chooser).setFiles([{ name: 'foto.png', mimeType: 'image/png', buffer: PNG }]);
  await chips.getByText('foto.png').waitFor();
  assert.match((await chips.locator('img').getAttribute('src')) ?? '', /^blob:/, 'an image shows its thumbnail');
  assert.match((await chips.textContent()) ?? '', /\d+ byte/);
  await axeBoth(page, 'attachments chosen');
  await screenshot(page, 'composer-attachments');
  await box.fill('segue a foto');
  await page.getByRole('button', { name: 'Send' }).click();
  await log.getByText('Attachment: foto.png').waitFor();
  await chips.waitFor({ state: 'detached' });
  assert.equal(await box.inputValue(), '', 'the caption was sent with the file');
  let stored = (await messagesOf(bh, conversationId)).find((m) => m.media?.fileName === 'foto.png');
  assert.equal(stored.type, 'image');
  assert.equal(stored.media.caption, 'segue a foto');
  assert.equal(stored.media.mimeType, 'image/png');
  assert.equal(stored.media.size, PNG.length);
  const served = await page.request.get(stored.media.url);
  assert.equal(served.status(), 200);
  assert.deepEqual(Buffer.from(await served.body()), PNG);

  // Drag and drop onto the conversation: a visible hint while dragging, the file chip after the drop.
  const transfer = await page.evaluateHandle((base64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'contrato.pdf', { type: 'application/pdf' }));
    return transfer;
  }, Buffer.from('%PDF-1.4 contrato').toString('base64'));
  await page.getByRole('log', { name: 'Messages' }).dispatchEvent('dragenter', { dataTransfer: transfer });
  await page.getByText('Drop files to attach them').waitFor();
  await page.getByRole('log', { name: 'Messages' }).dispatchEvent('drop', { dataTransfer: transfer });
  await chips.getByText('contrato.pdf').waitFor();
  assert.equal(await page.getByText('Drop files to attach them').count(), 0, 'the hint goes with the drop');
  await box.press('Enter');
  await log.getByText('Attachment: contrato.pdf').waitFor();
  stored = (await messagesOf(bh, conversationId)).find((m) => m.media?.fileName === 'contrato.pdf');
  assert.equal(stored.type, 'document');
  assert.equal(stored.media.caption, null);

  // Paste: files on the clipboard become chips, text stays text.
  await box.fill('áudio colado');
  await box.evaluate((element, base64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'nota.ogg', { type: 'audio/ogg' }));
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, Buffer.from('OggS fake audio').toString('base64'));
  await chips.getByText('nota.ogg').waitFor();
  assert.equal(await box.inputValue(), 'áudio colado');
  await page.getByRole('button', { name: 'Send' }).click();
  await log.getByText('Attachment: nota.ogg').waitFor();
  stored = (await messagesOf(bh, conversationId)).find((m) => m.media?.fileName === 'nota.ogg');
  assert.equal(stored.type, 'audio');
  assert.equal(stored.media.caption, 'áudio colado');

  // A chip can be removed before sending.
  const again = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach file' }).click();
  await (await again).setFiles([{ name: 'errado.txt', mimeType: 'text/plain', buffer: Buffer.from('x') }]);
  await page.getByRole('button', { name: 'Remove errado.txt' }).click();
  await chips.waitFor({ state: 'detached' });
  assert.deepEqual(csp(), []);
  await close();
});

test("a file over the server's limit is refused with the server's message; the text and the file stay", async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Bia Big' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach file' }).click();
  const limit = bh.h.config.maxUploadMb * 1024 * 1024;
  // A file on disk: a buffer this size through the DevTools protocol is slow.
  const dir = mkdtempSync(join(tmpdir(), 'composer-'));
  const big = join(dir, 'grande.bin');
  writeFileSync(big, Buffer.alloc(limit + 1024, 7));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await (await chooser).setFiles(big);
  await box.fill('vai o arquivo');
  await page.getByRole('button', { name: 'Send' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', new RegExp(`larger than ${bh.h.config.maxUploadMb} MiB`));
  assert.equal(await box.inputValue(), 'vai o arquivo');
  await page.getByRole('list', { name: 'Files to send' }).getByText('grande.bin').waitFor();
  assert.ok(!(await messagesOf(bh, conversationId)).some((m) => m.media?.fileName === 'grande.bin'));
  assert.deepEqual(csp(), []);
  await close();
});

test('Note sends an internal note: pressed toggle, note colours, the placeholder says it is private, the name stays Message', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Caio Note' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const note = page.getByRole('button', { name: 'Note' });
  assert.equal(await note.getAttribute('aria-pressed'), 'false');
  await note.click();
  assert.equal(await note.getAttribute('aria-pressed'), 'true');
  const box = page.getByRole('textbox', { name: 'Message' });
  assert.match((await box.getAttribute('placeholder')) ?? '', /private note/i);
  assert.ok(await page.locator('form.composer.note').isVisible());
  await axeBoth(page, 'note mode');
  await screenshot(page, 'composer-note');
  await box.fill('cliente pediu desconto');
  await box.press('Enter');
  await page.getByRole('log', { name: 'Messages' }).getByText('cliente pediu desconto').waitFor();
  const stored = (await messagesOf(bh, conversationId)).find((m) => m.content === 'cliente pediu desconto');
  assert.equal(stored.direction, 'INTERNAL');
  assert.equal(await note.getAttribute('aria-pressed'), 'false', 'note mode is for the next send');
  assert.deepEqual(csp(), []);
  await close();
});

test('typing / opens the saved replies: filtered, arrows and Enter insert one with the first name; Escape closes', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  for (const [shortcut, text] of [
    ['greeting', 'Olá {{name}}, como posso ajudar?'],
    ['goodbye', 'Até logo, {{name}}!'],
    ['pix', 'Nossa chave Pix é 123.'],
  ]) {
    const res = await call(bh.h, 'POST', '/api/v1/saved-replies', { body: { shortcut, text } });
    assert.equal(res.status, 201, res.body);
  }
  const { conversationId } = await inbound(bh.h, { name: 'Joana Prado Lima' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const combobox = page.getByRole('combobox', { name: 'Message' });
  const listbox = page.getByRole('listbox', { name: 'Saved replies' });
  await box.pressSequentially('/g');
  await listbox.getByRole('option', { name: /goodbye/ }).waitFor();
  assert.equal(await listbox.getByRole('option').count(), 2, 'filtered by the typed start');
  assert.equal(await combobox.getAttribute('aria-expanded'), 'true');
  assert.equal(await box.getAttribute('aria-activedescendant'), await listbox.getByRole('option').first().getAttribute('id'));
  await axeBoth(page, 'saved replies open');
  await screenshot(page, 'composer-saved-replies');
  await box.press('Escape');
  await listbox.waitFor({ state: 'hidden' });
  assert.equal(await combobox.getAttribute('aria-expanded'), 'false');
  assert.equal(await box.inputValue(), '/g', 'Escape only closes the list');

  await box.pressSequentially('oo');
  await listbox.getByRole('option', { name: /goodbye/ }).waitFor();
  assert.equal(await listbox.getByRole('option').count(), 1);
  await box.fill('/');
  await listbox.getByRole('option', { name: /pix/ }).waitFor();
  const options = await listbox.getByRole('option').allTextContents();
  const greeting = options.findIndex((o) => o.includes('/greeting'));
  for (let i = 0; i < greeting; i++) await box.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), await listbox.getByRole('option').nth(greeting).getAttribute('id'));
  await box.press('Enter');
  assert.equal(await box.inputValue(), 'Olá Joana, como posso ajudar?');
  assert.equal(await listbox.isVisible(), false);
  await box.fill('/pi');
  await listbox.getByRole('option', { name: /pix/ }).waitFor();
  await box.press('Tab');
  assert.equal(await box.inputValue(), 'Nossa chave Pix é 123.');
  assert.deepEqual(csp(), []);
  await close();
});

test('a reply quotes the message above the box, Escape cancels it, and the send carries quotedMessageId', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId, messageId } = await inbound(bh.h, { name: 'Davi Reply', text: 'qual o prazo?' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('qual o prazo?').waitFor();
  const replyButton = log.getByRole('button', { name: 'Reply' });
  if ((await replyButton.count()) === 0) {
    await close();
    return t.skip("the history's Reply button is built on another branch: this test runs once it is merged");
  }
  await replyButton.first().click();
  const preview = page.locator('.reply-preview');
  await preview.getByText('qual o prazo?').waitFor();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.press('Escape');
  await preview.waitFor({ state: 'detached' });
  await replyButton.first().click();
  await preview.waitFor();
  await box.fill('amanhã');
  await box.press('Enter');
  await log.getByText('amanhã').waitFor();
  await preview.waitFor({ state: 'detached' });
  const stored = (await messagesOf(bh, conversationId)).find((m) => m.content === 'amanhã');
  assert.equal(stored.quotedMessageId, messageId);
  assert.deepEqual(csp(), []);
  await close();
});

test('the draft is kept per conversation when switching, and across a reload', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const first = await inbound(bh.h, { name: 'Elisa Draft' });
  const second = await inbound(bh.h, { name: 'Fabio Draft' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${first.conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const list = page.getByRole('listbox', { name: 'Conversations' });
  await box.fill('rascunho da Elisa');
  await list.getByRole('option', { name: /Fabio Draft/ }).click();
  await page.waitForURL(`**/conversations/${second.conversationId}`);
  await page.waitForFunction(() => (document.getElementById('composer-text') as HTMLTextAreaElement | null)?.value === '');
  await box.fill('rascunho do Fabio');
  await list.getByRole('option', { name: /Elisa Draft/ }).click();
  await page.waitForURL(`**/conversations/${first.conversationId}`);
  await page.waitForFunction(() => (document.getElementById('composer-text') as HTMLTextAreaElement | null)?.value === 'rascunho da Elisa');
  await page.reload();
  await box.waitFor();
  assert.equal(await box.inputValue(), 'rascunho da Elisa');
  await list.getByRole('option', { name: /Fabio Draft/ }).click();
  await page.waitForFunction(() => (document.getElementById('composer-text') as HTMLTextAreaElement | null)?.value === 'rascunho do Fabio');
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('rascunho'), 'drafts are not in localStorage');
  assert.deepEqual(csp(), []);
  await close();
});

test('offline, a failed send keeps the text; back online it is sent once', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Gil Offline', text: 'estou sem rede' });
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  // The history is loaded before the network goes: this test is about the send.
  await page.getByRole('log', { name: 'Messages' }).getByText('estou sem rede').waitFor();
  await page.context().setOffline(true);
  await box.fill('enviado depois');
  await box.press('Enter');
  await page
    .getByRole('alert')
    .getByText(/Your text is kept/)
    .waitFor();
  assert.equal(await box.inputValue(), 'enviado depois');
  await page.context().setOffline(false);
  await box.press('Enter');
  await page.getByRole('log', { name: 'Messages' }).getByText('enviado depois').waitFor();
  assert.equal((await messagesOf(bh, conversationId)).filter((m) => m.content === 'enviado depois').length, 1);
  assert.deepEqual(csp(), []);
  await close();
});

test('a history that could not load while offline loads when the browser is back online', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Gil Reconnect', text: 'volto já' });
  const { page, close, open } = await signIn(bh);
  await page.context().setOffline(true);
  await open(`/conversations/${conversationId}`);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.locator('.problem').waitFor();
  await page.context().setOffline(false);
  await log.getByText('volto já').waitFor();
  assert.equal(await log.locator('.problem').count(), 0);
  await close();
});

test('Take over is the main action outside human support; after it the conversation is ACTIVE, mine, and the main action is Send', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const { conversationId } = await inbound(bh.h, { name: 'Hugo Bot' });
  const before = await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}`);
  assert.notEqual(before.json.status, 'ACTIVE');
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversationId}`);
  const takeOver = page.getByRole('button', { name: 'Take over' });
  await takeOver.waitFor();
  assert.equal(await takeOver.count(), 1, 'one Take over on screen');
  assert.match((await takeOver.getAttribute('class')) ?? '', /primary/);
  assert.doesNotMatch((await page.getByRole('button', { name: 'Send' }).getAttribute('class')) ?? '', /primary/);
  await takeOver.click();
  await takeOver.waitFor({ state: 'detached' });
  assert.match((await page.getByRole('button', { name: 'Send' }).getAttribute('class')) ?? '', /primary/);
  const after = await call(bh.h, 'GET', `/api/v1/conversations/${conversationId}`);
  assert.equal(after.json.status, 'ACTIVE');
  assert.equal(after.json.assigneeUserId, adminId);
  assert.deepEqual(csp(), []);
  await close();
});

test("WhatsApp's closed 24-hour window: the composer says so, offers the approved templates and sends one", async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  fake!.templates = [
    { name: 'retomar_contato', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Olá! Podemos continuar?' }] },
    { name: 'rejeitado', language: 'pt_BR', status: 'REJECTED', category: 'MARKETING', components: [] },
  ];
  const channel = await createWhatsApp(bh.h, { wabaId: '102290129340398', graphApiUrl: fake!.url });
  await deliver(
    bh.h,
    channel,
    metaEnvelope(channel.phoneNumberId, inboundText({ from: '5511987659999', name: 'Iara Janela', id: wamid('w'), body: 'oi', timestamp: nowSec(-25 * 3600) })),
  );
  const conversation = (await call(bh.h, 'GET', '/api/v1/conversations?limit=100')).json.data.find((c: any) => c.channelId === channel.id);
  assert.ok(Date.parse(conversation.serviceWindowClosesAt) < Date.now());
  const { page, close, csp } = await signedIn(bh, `/conversations/${conversation.id}`);
  await page.getByRole('status').filter({ hasText: '24-hour window' }).waitFor();
  const select = page.getByLabel('Approved template');
  await select.waitFor();
  assert.deepEqual(await select.locator('option').allTextContents(), ['retomar_contato (pt_BR)'], 'only approved templates');
  await page.getByText('Olá! Podemos continuar?').waitFor();
  await axeBoth(page, 'window closed');
  await screenshot(page, 'composer-window-closed');
  await page.getByRole('button', { name: 'Use template' }).click();
  await page.getByRole('log', { name: 'Messages' }).getByText('retomar_contato').waitFor();
  const stored = (await messagesOf(bh, conversation.id)).find((m) => m.type === 'template');
  assert.equal(stored.content, 'retomar_contato');
  assert.equal(stored.direction, 'OUTBOUND');
  assert.deepEqual(csp(), []);
  await close();
});
