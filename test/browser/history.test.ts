import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, type Harness } from '../helpers/harness.ts';
import { multipartBody } from '../helpers/multipart.ts';
import { axe, consoleOf, loginAvailable, needsBrowser, NO_LOGIN, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { createWhatsApp, deliver, nowSec, wamid } from '../channels/whatsapp/wa-helpers.ts';
import {
  inboundContacts,
  inboundForwarded,
  inboundImage,
  inboundLocation,
  inboundNumberChanged,
  inboundReaction,
  inboundText,
  metaEnvelope,
} from '../channels/whatsapp/meta-payloads.ts';

/**
 * The conversation's history (inbox.md §4.3): paged with day separators, every kind of message
 * previewed, delivery states with a failure's reason and Retry, notes apart, Reply, and read.
 */

let bh: BrowserHarness | null = null;
const HOUR = 3_600_000;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

let phoneCounter = 0;
async function sandboxInbound(h: Harness, name: string, phone: string, message: Record<string, unknown>) {
  const res = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/inbound`, { body: { from: { phone, name }, message } });
  assert.equal(res.status, 200, res.body);
  return res.json as { conversationId: string; messageId: string };
}

async function signIn(b: BrowserHarness, page: Page) {
  await page.goto('/');
  await page.getByLabel('Email').fill(b.h.ws.userEmail);
  await page.getByLabel('Password').fill(b.h.ws.userPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.locator('[role="status"][data-live="open"]').waitFor({ state: 'attached' });
}

/** The log's scroll numbers. */
const scrollOf = (page: Page) =>
  page.getByRole('log', { name: 'Messages' }).evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));

/** Where a message's box is, relative to the top of the log's visible area. */
const offsetOf = (page: Page, text: string) =>
  page.getByRole('log', { name: 'Messages' }).evaluate((el, wanted) => {
    const item = [...el.querySelectorAll('.message')].find((m) => m.textContent?.includes(wanted));
    return item ? item.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  }, text);

async function unreadOf(h: Harness, conversationId: string): Promise<number> {
  return (await call(h, 'GET', `/api/v1/conversations/${conversationId}`)).json.unreadCount;
}

test('120 messages: the newest 50 first, older pages on scrolling up with the view kept, day separators, pinned to the bottom only from the bottom; opening reads', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  const phone = `551190000${String(++phoneCounter).padStart(4, '0')}`;
  // One message an hour, the last a minute ago: five days of history.
  const start = Date.now() - 119 * HOUR - 60_000;
  let conversationId = '';
  for (let i = 0; i < 120; i++) {
    const text = `msg ${String(i + 1).padStart(3, '0')}`;
    ({ conversationId } = await sandboxInbound(h, 'Paged Person', phone, { type: 'text', text, timestamp: new Date(start + i * HOUR).toISOString() }));
  }
  assert.equal(await unreadOf(h, conversationId), 120);

  const context = await bh.context('en-US');
  const page = await context.newPage();
  const console = consoleOf(page);
  await signIn(bh, page);
  const option = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option', { name: /Paged Person/ });
  await option.waitFor();
  assert.match((await option.textContent()) ?? '', /120 unread/);
  await option.click();
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('msg 120').waitFor();

  // Opening it read it.
  await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/conversations/${id}`)).json()).unreadCount === 0, conversationId);
  await option.filter({ hasNotText: 'unread' }).waitFor();

  // The newest 50, scrolled to the newest.
  assert.equal(await log.locator('.message').count(), 50);
  assert.equal(await log.getByText('msg 070', { exact: true }).count(), 0);
  let s = await scrollOf(page);
  assert.ok(s.height - s.top - s.client < 5, 'at the bottom');
  await log.getByRole('heading', { name: 'Today' }).waitFor();

  // Scrolling up near the top loads the next page; the message that was first stays where it was.
  // Measured in the same turn as the scroll, before the older page can arrive.
  const before71 = await log.evaluate((el) => {
    el.scrollTop = 0;
    const item = [...el.querySelectorAll('.message')].find((m) => m.textContent?.includes('msg 071'));
    return item ? item.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  });
  await log.getByText('msg 021', { exact: true }).waitFor({ state: 'attached' });
  assert.equal(await log.locator('.message').count(), 100);
  const after71 = await offsetOf(page, 'msg 071');
  assert.ok(before71 !== null && after71 !== null && Math.abs(after71 - before71) < 4, `kept in view: ${before71} → ${after71}`);
  s = await scrollOf(page);
  assert.ok(s.top > 0, 'the older page went in above the view');

  await log.evaluate((el) => {
    el.scrollTop = 0;
  });
  await log.getByText('msg 001', { exact: true }).waitFor({ state: 'attached' });
  assert.equal(await log.locator('.message').count(), 120);
  await log.getByText('This is the start of the conversation.').waitFor();
  // Five days: Today, Yesterday and three dated separators, each day once.
  const days = await log.locator('.day-label').allTextContents();
  assert.equal(days.length, new Set(days).size, days.join(' | '));
  assert.ok(days.length >= 5, days.join(' | '));
  assert.ok(days.includes('Today') && days.includes('Yesterday'), days.join(' | '));
  const dated = new Intl.DateTimeFormat('en-US', { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(start));
  assert.ok(days[0].startsWith(dated.split(',')[0]), `${days[0]} is ${dated}`);
  assert.deepEqual(await axe(page), [], 'history with day separators');

  // Not at the bottom: a new message does not move the view.
  await log.evaluate((el) => {
    el.scrollTop = 200;
  });
  const held = (await scrollOf(page)).top;
  await sandboxInbound(h, 'Paged Person', phone, { type: 'text', text: 'while reading' });
  await log.getByText('while reading').waitFor();
  assert.equal((await scrollOf(page)).top, held, 'the view stays while the agent reads older messages');
  // The new inbound message is read too (the conversation is open and visible).
  await page.waitForFunction(async (id) => (await (await fetch(`/api/v1/conversations/${id}`)).json()).unreadCount === 0, conversationId);

  // At the bottom: a new message keeps it pinned there.
  await log.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await page.waitForFunction(() => {
    const el = document.querySelector('[role="log"]')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 5;
  });
  await sandboxInbound(h, 'Paged Person', phone, { type: 'text', text: 'pinned below' });
  await log.getByText('pinned below').waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector('[role="log"]')!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 5;
  });
  assert.deepEqual(console.cspViolations(), []);
  await context.close();
});

/** A PNG of 2×2 pixels. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

test('media of each kind, a reply, a note, a failed message with its reason and Retry; the image dialog; axe light and dark', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  const phone = '5511955501234';
  const image = await h.app.media.save(PNG, 'image/png', 'foto.png');
  const audio = await h.app.media.save(Buffer.from('OggS voice'), 'audio/ogg', 'voz.ogg');
  const video = await h.app.media.save(Buffer.from('not really mp4'), 'video/mp4', 'clipe.mp4');
  const pdf = await h.app.media.save(Buffer.from('%PDF-1.4 fatura'), 'application/pdf', 'fatura.pdf');
  const today = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const { conversationId } = await sandboxInbound(h, 'Media Person', phone, {
    type: 'text',
    text: 'Segue o pedido',
    externalId: 'sb.first',
    timestamp: today(30),
  });
  await sandboxInbound(h, 'Media Person', phone, {
    type: 'image',
    mediaUrl: image.url,
    mimeType: 'image/png',
    fileName: 'foto.png',
    caption: 'A foto',
    timestamp: today(29),
  });
  await sandboxInbound(h, 'Media Person', phone, { type: 'audio', mediaUrl: audio.url, mimeType: 'audio/ogg', timestamp: today(28) });
  await sandboxInbound(h, 'Media Person', phone, { type: 'video', mediaUrl: video.url, mimeType: 'video/mp4', timestamp: today(27) });
  await sandboxInbound(h, 'Media Person', phone, {
    type: 'document',
    mediaUrl: pdf.url,
    mimeType: 'application/pdf',
    fileName: 'fatura.pdf',
    timestamp: today(26),
  });
  await sandboxInbound(h, 'Media Person', phone, { type: 'text', text: 'Respondendo ao pedido', quotedExternalId: 'sb.first', timestamp: today(25) });
  // An outbound document uploaded as a file: its size is known.
  const { payload, contentType } = multipartBody({ type: 'document' }, [{ name: 'recibo.pdf', type: 'application/pdf', content: Buffer.alloc(2048, 1) }]);
  const upload = await h.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conversationId}/messages`,
    payload,
    headers: { authorization: `Bearer ${h.ws.apiKey}`, 'content-type': contentType },
  });
  assert.equal(upload.statusCode, 201, upload.body);
  const note = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'Cliente VIP, atenção', internal: true } });
  assert.equal(note.status, 201, note.body);
  const failing = await call(h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'Seu boleto' } });
  const receipt = await call(h, 'POST', `/api/v1/channels/${h.ws.channelId}/receipts`, {
    body: { externalId: failing.json.externalId, status: 'failed', error: '131026: Message undeliverable' },
  });
  assert.equal(receipt.status, 200, receipt.body);

  const context = await bh.context('en-US');
  const page = await context.newPage();
  const console = consoleOf(page);
  await signIn(bh, page);
  await page.goto(`/conversations/${conversationId}`);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('Seu boleto').waitFor();

  // Image: a thumbnail (loaded from Conversas) that opens large.
  const thumb = log.getByRole('button', { name: 'View image' });
  await thumb.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('.thumb img');
    return !!img && img.complete && img.naturalWidth === 2;
  });
  assert.equal(await log.getByText('A foto').count(), 1);
  // Audio and video players, a document with its name (and size when known) to download.
  assert.equal(await log.locator('audio[controls]').getAttribute('src'), audio.url);
  assert.equal(await log.locator('video[controls]').getAttribute('src'), video.url);
  const documentLink = log.getByRole('link', { name: /fatura\.pdf/ });
  assert.equal(await documentLink.getAttribute('href'), pdf.url);
  assert.equal(await documentLink.getAttribute('download'), 'fatura.pdf');
  const receiptLink = log.getByRole('link', { name: /recibo\.pdf/ });
  assert.match((await receiptLink.textContent()) ?? '', /2(\.0)? kB/);

  // A quoted reply shows the quoted words; following it takes the focus to that message.
  const quote = log.getByRole('link', { name: /In reply to.*Segue o pedido/ });
  await quote.click();
  await page.waitForFunction(() => document.activeElement?.textContent?.includes('Segue o pedido') && document.activeElement.classList.contains('message'));

  // A note looks different and says so.
  const noteItem = log.locator('.message', { hasText: 'Cliente VIP, atenção' });
  assert.equal(await noteItem.locator('.tag').textContent(), 'Note');
  const looks = async (text: string) => log.locator('.message:not(:has(.quote))', { hasText: text }).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await looks('Cliente VIP, atenção'), await looks('Segue o pedido'));
  assert.notEqual(await looks('Cliente VIP, atenção'), await looks('Seu boleto'));

  // The failed message: its state, the reason as text (Retry's description) and on hover.
  const failed = log.locator('.message', { hasText: 'Seu boleto' });
  await failed.getByText('Failed').waitFor();
  await failed.getByText('Not delivered: 131026: Message undeliverable').waitFor();
  assert.equal(await failed.locator('.delivery').getAttribute('title'), '131026: Message undeliverable');
  const retry = failed.getByRole('button', { name: 'Retry' });
  const described = await retry.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent);
  assert.equal(described, 'Not delivered: 131026: Message undeliverable');
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 1, 'one Retry, on the failed message');
  await failed.scrollIntoViewIfNeeded();
  await screenshot(page, 'history-media');

  // axe on the conversation with its media, light and dark.
  assert.deepEqual(await axe(page), [], 'media, light');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], 'media, dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The image dialog: opens with the image, passes axe, Escape closes it and the focus returns to the thumbnail.
  await thumb.click();
  const dialog = page.getByRole('dialog', { name: 'foto.png' });
  await dialog.waitFor();
  assert.equal(await dialog.locator('img').getAttribute('src'), image.url);
  await dialog.getByRole('button', { name: 'Close' }).waitFor();
  assert.deepEqual(await axe(page), [], 'image dialog, light');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], 'image dialog, dark');
  await screenshot(page, 'history-image-dialog-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.activeElement?.classList.contains('thumb'));
  // The Close button closes it too.
  await thumb.click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Retry sends it again: the failure goes, the message is sent.
  await retry.click();
  await failed.getByText('Sent').waitFor();
  assert.equal(await failed.getByRole('button', { name: 'Retry' }).count(), 0);
  assert.equal(await failed.getByText(/Not delivered/).count(), 0);
  const now = (await call(h, 'GET', `/api/v1/conversations/${conversationId}/messages`)).json.data.find((m: { id: string }) => m.id === failing.json.id);
  assert.equal(now.externalStatus, 'sent');
  assert.equal(now.errorMessage, null);

  // Reply: on the message, it sets the composer's reply and focuses the Message box.
  const first = log.locator('.message', { hasText: 'Segue o pedido' }).first();
  await first.hover();
  await first.getByRole('button', { name: 'Reply' }).click();
  await page.waitForFunction(() => document.activeElement === document.querySelector('textarea'));
  assert.equal(await page.getByRole('textbox', { name: 'Message' }).evaluate((el) => el === document.activeElement), true);

  assert.deepEqual(console.cspViolations(), []);
  await context.close();
});

test('a WhatsApp conversation: location, contact card, forwarded mark, reaction, system event, a file still downloading and one that failed', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const h = bh.h;
  const channel = await createWhatsApp(h);
  const from = '5511987650099';
  const fields = (id: string) => ({ from, id, name: 'Zap Person', timestamp: nowSec(-60) });
  const target = wamid('target');
  const body = (part: Parameters<typeof metaEnvelope>[1]) => metaEnvelope(channel.phoneNumberId, part);
  await deliver(h, channel, body(inboundText({ ...fields(target), body: 'Gostou do produto?' })));
  await deliver(h, channel, body(inboundLocation({ ...fields(wamid('loc')), placeName: 'Philz Coffee', address: '101 Forest Ave' })));
  await deliver(h, channel, body(inboundContacts(fields(wamid('card')))));
  await deliver(h, channel, body(inboundForwarded({ ...fields(wamid('fwd')), body: 'Olha isto' })));
  await deliver(h, channel, body(inboundReaction({ ...fields(wamid('react')), targetId: target, emoji: '❤️' })));
  await deliver(h, channel, body(inboundImage({ ...fields(wamid('img')), caption: 'Chegando' })));
  await deliver(h, channel, body(inboundImage({ ...fields(wamid('img2')), caption: 'Quebrada' })));
  await deliver(h, channel, body(inboundNumberChanged({ ...fields(wamid('sys')), newWaId: '5511987650100' })));
  // The media fetcher does not run here: one file stays pending, the other is marked failed as the fetcher would.
  await h.store.db.updateTable('messages').set({ media_status: 'failed', media_error: 'Meta answered 404' }).where('media_caption', '=', 'Quebrada').execute();
  const conversation = (await call(h, 'GET', '/api/v1/conversations', { query: { limit: '100' } })).json.data.find(
    (c: { channelId: string }) => c.channelId === channel.id,
  );

  const context = await bh.context('en-US');
  const page = await context.newPage();
  const console = consoleOf(page);
  await signIn(bh, page);
  await page.goto(`/conversations/${conversation.id}`);
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('Gostou do produto?').waitFor();

  const location = log.locator('.location');
  await location.getByText('Philz Coffee').waitFor();
  await location.getByText('101 Forest Ave').waitFor();
  await location.getByText('37.44221, -122.16166').waitFor();
  assert.match((await location.getByRole('link', { name: 'Open in map' }).getAttribute('href')) ?? '', /mlat=37\.44221496582&mlon=-122\.16165924072/);
  const card = log.locator('.contact-card');
  await card.getByText('Chandler Bing').waitFor();
  assert.equal(await card.getByRole('link').getAttribute('href'), 'tel:+972987654321');
  await log.locator('.message', { hasText: 'Olha isto' }).getByText('Forwarded').waitFor();
  await log.locator('.message', { hasText: 'Gostou do produto?' }).getByRole('list', { name: 'Reactions' }).getByText('❤️').waitFor();
  await log.locator('.message', { hasText: 'Chegando' }).getByText('Downloading…').waitFor();
  await log.locator('.message', { hasText: 'Quebrada' }).getByText('The file could not be downloaded: Meta answered 404').waitFor();
  const system = log.locator('.message.system');
  await system.getByText('System event').waitFor();
  assert.match((await system.textContent()) ?? '', /5511987650100/);
  assert.equal(await system.getByRole('button', { name: 'Reply' }).count(), 0, 'a system event is not replied to');
  await screenshot(page, 'history-whatsapp');
  assert.deepEqual(await axe(page), [], 'whatsapp kinds, light');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], 'whatsapp kinds, dark');
  await log.getByText('Gostou do produto?').scrollIntoViewIfNeeded();
  await screenshot(page, 'history-whatsapp-dark');
  assert.deepEqual(console.cspViolations(), []);
  await context.close();
});
