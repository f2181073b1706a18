import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, inbound } from '../helpers/harness.ts';
import { axe, consoleOf, loginAvailable, needsBrowser, NO_LOGIN, screenshot, startBrowserHarness, type BrowserHarness } from '../helpers/browser.ts';
import { drain, startReceiver, testDispatcher } from '../helpers/receiver.ts';

/** Settings → Inboxes and channels, and Webhooks (inbox.md §4.7), signed in as the workspace's first admin. */

let bh: BrowserHarness | null = null;

before(async () => {
  bh = await startBrowserHarness();
});
after(async () => {
  await bh?.close();
});

const SIGN_IN = {
  'en-US': { email: 'Email', password: 'Password', signIn: 'Sign in', signOut: 'Sign out' },
  'pt-BR': { email: 'E-mail', password: 'Senha', signIn: 'Entrar', signOut: 'Sair' },
  es: { email: 'Correo electrónico', password: 'Contraseña', signIn: 'Iniciar sesión', signOut: 'Cerrar sesión' },
};

async function signedIn(b: BrowserHarness, url: string, locale: keyof typeof SIGN_IN = 'en-US') {
  const context = await b.browser.newContext({ locale, baseURL: b.baseUrl, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const log = consoleOf(page);
  const names = SIGN_IN[locale];
  await page.goto('/');
  await page.getByLabel(names.email).fill(b.h.ws.userEmail);
  await page.getByLabel(names.password).fill(b.h.ws.userPassword);
  await page.getByRole('button', { name: names.signIn }).click();
  await page.getByRole('button', { name: names.signOut }).waitFor();
  await page.goto(url);
  return { context, page, log };
}

/** axe in the light scheme and the dark one; the page is left light. */
async function axeBothSchemes(page: Page, what: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(await axe(page), [], `${what} (light)`);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], `${what} (dark)`);
  await page.emulateMedia({ colorScheme: 'light' });
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

test('inboxes: create, rename with its timeout; a WhatsApp channel: field errors, webhook URL and verify token to copy, masked secrets, last error; delete', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const b = bh;
  const { context, page, log } = await signedIn(b, '/settings/inboxes');
  await page.getByRole('heading', { name: 'Inboxes and channels' }).waitFor();
  await page.getByRole('region', { name: 'Inbox', exact: true }).waitFor();
  await axeBothSchemes(page, 'inboxes section');

  await page.getByLabel('New inbox name').fill('Suporte');
  await page.getByRole('button', { name: 'Add inbox' }).click();
  let inbox = page.getByRole('region', { name: 'Suporte', exact: true });
  await inbox.waitFor();
  await inbox.getByLabel('Name', { exact: true }).fill('Suporte BR');
  await inbox.getByLabel('Inactivity timeout (minutes)').fill('60');
  await inbox.getByRole('button', { name: 'Save inbox' }).click();
  inbox = page.getByRole('region', { name: 'Suporte BR', exact: true });
  await inbox.getByRole('status').getByText('Saved.').waitFor();
  const inboxes = (await call(b.h, 'GET', '/api/v1/inboxes')).json.data;
  const created = inboxes.find((i: { name: string }) => i.name === 'Suporte BR');
  assert.equal(created.inactivityTimeoutMinutes, 60);

  // An inactivity timeout the API refuses is shown on its field.
  await inbox.getByLabel('Inactivity timeout (minutes)').fill('0');
  await inbox.getByRole('button', { name: 'Save inbox' }).click();
  await inbox.locator(`#inbox-${created.id}-timeout[aria-invalid="true"]`).waitFor();
  await inbox.getByLabel('Inactivity timeout (minutes)').fill('60');

  // The WhatsApp form: an id that is not digits is refused on its field.
  await inbox.getByRole('button', { name: 'Add WhatsApp channel' }).click();
  const form = inbox.getByRole('form', { name: 'WhatsApp channel' });
  await form.getByLabel('Channel name').fill('Atendimento');
  await form.getByLabel('Phone number ID').fill('not-digits');
  await form.getByLabel('Access token').fill('EAAG-first-token-1234');
  await form.getByLabel('App secret').fill('app-secret-9f3c');
  await axeBothSchemes(page, 'WhatsApp form');
  await form.getByRole('button', { name: 'Save channel' }).click();
  const phone = form.getByLabel('Phone number ID');
  await form.locator('[aria-invalid="true"]').first().waitFor();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  assert.match((await form.locator('.field-error').textContent()) ?? '', /digits/);
  await axeBothSchemes(page, 'WhatsApp form with an error');

  await phone.fill('106540352242922');
  await form.getByLabel('WhatsApp Business Account ID').fill('102290129340398');
  await form.getByRole('button', { name: 'Save channel' }).click();
  const saved = inbox.getByRole('form', { name: 'Edit Atendimento' });
  const webhookUrl = saved.getByLabel('Webhook URL');
  await webhookUrl.waitFor();
  const channels = (await call(b.h, 'GET', '/api/v1/channels', { query: { inboxId: created.id } })).json.data;
  const channel = channels.find((c: { name: string }) => c.name === 'Atendimento');
  assert.equal(await webhookUrl.inputValue(), `${b.baseUrl}/webhooks/whatsapp/${channel.id}`);
  const verifyToken = await saved.getByLabel('Verify token', { exact: true }).first().inputValue();
  assert.equal(verifyToken, channel.config.verifyToken);

  await saved.getByRole('button', { name: 'Copy webhook URL' }).click();
  await saved.getByRole('status').getByText('Copied.').waitFor();
  assert.equal(await clipboard(page), `${b.baseUrl}/webhooks/whatsapp/${channel.id}`);
  await saved.getByRole('button', { name: 'Copy verify token' }).click();
  await page.waitForFunction((token) => navigator.clipboard.readText().then((text) => text === token), channel.config.verifyToken);
  await saved.getByRole('status').getByText('Copied.').waitFor();

  // Secrets are write-only: the access token reads back as a hint, never in a field.
  assert.equal(await saved.getByLabel('Access token').inputValue(), '');
  await saved.getByText('Stored: ••••1234.').waitFor();
  assert.ok(!(await page.content()).includes('EAAG-first-token-1234'));
  await axeBothSchemes(page, 'saved WhatsApp channel with its webhook URL and verify token');
  await screenshot(page, 'settings-whatsapp-channel');

  // Replacing the token alone keeps the other secret and the settings.
  await saved.getByLabel('Access token').fill('EAAG-second-token-5678');
  await saved.getByRole('button', { name: 'Save channel' }).click();
  await saved.getByText('Stored: ••••5678.').waitFor();
  const after = (await call(b.h, 'GET', `/api/v1/channels/${channel.id}`)).json;
  assert.equal(after.config.accessToken, '••••5678');
  assert.equal(after.config.appSecret, '••••9f3c');
  assert.equal(after.config.phoneNumberId, '106540352242922');
  assert.equal(after.config.wabaId, '102290129340398');
  await saved.getByRole('button', { name: 'Close' }).click();

  // The same number on another channel: 409 shown on the phone number id field.
  await inbox.getByRole('button', { name: 'Add WhatsApp channel' }).click();
  const second = inbox.getByRole('form', { name: 'WhatsApp channel' });
  await second.getByLabel('Channel name').fill('Duplicate');
  await second.getByLabel('Phone number ID').fill('106540352242922');
  await second.getByLabel('Access token').fill('EAAG-x');
  await second.getByLabel('App secret').fill('y');
  await second.getByRole('button', { name: 'Save channel' }).click();
  await second.getByText('Another channel already uses this phone number ID').waitFor();
  assert.equal(await second.getByLabel('Phone number ID').getAttribute('aria-invalid'), 'true');
  await second.getByRole('button', { name: 'Close' }).click();

  // A channel in error shows its last error (as the sender records a refused token).
  await b.h.store.db
    .updateTable('channels')
    .set({ status: 'error', last_error: '190: Error validating access token', last_error_at: Date.now() })
    .where('id', '=', channel.id)
    .execute();
  await page.reload();
  inbox = page.getByRole('region', { name: 'Suporte BR', exact: true });
  const item = inbox.getByRole('listitem').filter({ hasText: 'Atendimento' });
  await item.getByText('190: Error validating access token').waitFor();
  assert.match((await item.textContent()) ?? '', /Error/);
  assert.match((await item.textContent()) ?? '', /No webhook from Meta yet/);
  await axeBothSchemes(page, 'a channel in error');

  // A sandbox channel, then deleting channels and inboxes with a confirmation.
  await inbox.getByLabel('New sandbox channel name').fill('Teste');
  await inbox.getByRole('button', { name: 'Add sandbox channel' }).click();
  await inbox.getByRole('listitem').filter({ hasText: 'Teste' }).waitFor();
  await inbox.getByRole('button', { name: 'Delete channel Teste' }).click();
  await inbox.getByRole('group', { name: 'Delete the channel “Teste”?' }).waitFor();
  await axeBothSchemes(page, 'a delete confirmation');
  await inbox.getByRole('button', { name: 'Yes, delete' }).click();
  await inbox.getByRole('listitem').filter({ hasText: 'Teste' }).waitFor({ state: 'detached' });

  await inbox.getByRole('button', { name: 'Delete inbox' }).click();
  await inbox.getByRole('button', { name: 'Yes, delete' }).click();
  await inbox.getByRole('alert').getByText('Delete its channels first').waitFor();

  await page.getByLabel('New inbox name').fill('Temporary');
  await page.getByRole('button', { name: 'Add inbox' }).click();
  const temporary = page.getByRole('region', { name: 'Temporary' });
  await temporary.getByRole('button', { name: 'Delete inbox' }).click();
  await temporary.getByRole('button', { name: 'Cancel' }).click();
  await temporary.getByRole('button', { name: 'Delete inbox' }).click();
  await temporary.getByRole('button', { name: 'Yes, delete' }).click();
  await temporary.waitFor({ state: 'detached' });
  assert.ok(!(await call(b.h, 'GET', '/api/v1/inboxes')).json.data.some((i: { name: string }) => i.name === 'Temporary'));

  assert.deepEqual(log.cspViolations(), []);
  await context.close();
});

test('webhooks: create (secret once, copied), a failed delivery in the log, Retry after the receiver recovers, pause and resume, delete', async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const b = bh;
  const receiver = await startReceiver([500]);
  const clock = { now: Date.now() };
  const dispatcher = testDispatcher(b.h, clock);
  const { context, page, log } = await signedIn(b, '/settings/webhooks');
  try {
    await page.getByRole('heading', { name: 'Webhooks', level: 2 }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    await axeBothSchemes(page, 'webhooks section');

    // No event chosen: said on the form, nothing created.
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Name (optional)').fill('Receiver');
    await page.getByRole('checkbox', { name: /Conversation created/ }).uncheck();
    await page.getByRole('checkbox', { name: /New message/ }).uncheck();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByText('Choose at least one event.').waitFor();
    await page.getByRole('checkbox', { name: /Conversation created/ }).check();
    await page.getByRole('checkbox', { name: /New message/ }).check();
    await page.getByRole('button', { name: 'Add webhook' }).click();

    const secret = page.getByLabel('Signing secret', { exact: true });
    await secret.waitFor();
    const secretValue = await secret.inputValue();
    assert.match(secretValue, /^whsec_/);
    await page.getByRole('button', { name: 'Copy signing secret' }).click();
    await page.getByRole('status').getByText('Copied.').waitFor();
    assert.equal(await clipboard(page), secretValue);
    await axeBothSchemes(page, 'the secret shown once');
    await page.getByRole('button', { name: 'Done' }).click();
    await secret.waitFor({ state: 'detached' });

    const webhook = page.getByRole('region', { name: 'Receiver', exact: true });
    await webhook.getByText(`••••${secretValue.slice(-4)}`).waitFor();
    assert.ok(!(await page.content()).includes(secretValue), 'the secret is not on the page any more');

    // The receiver answers 500: the delivery fails and waits for its next attempt.
    await inbound(b.h, { phone: '5511950009001', name: 'Hook Person' });
    clock.now = Date.now();
    await drain(dispatcher);
    assert.equal(receiver.received.length, 1);

    await webhook.getByRole('button', { name: 'Delivery log' }).click();
    const table = webhook.getByRole('table', { name: 'Deliveries of Receiver' });
    const failedRow = table.getByRole('row').filter({ hasText: 'Conversation created' });
    await failedRow.waitFor();
    assert.match((await failedRow.textContent()) ?? '', /Retrying/);
    assert.match((await failedRow.textContent()) ?? '', /500/);
    await axeBothSchemes(page, 'the delivery log with a failed delivery');
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-webhooks');

    // The receiver recovers (its plan is spent: it answers 200); Retry sends it now.
    await failedRow.getByRole('button', { name: 'Retry' }).click();
    await failedRow.getByText('Pending').waitFor();
    clock.now = Date.now();
    await drain(dispatcher);
    assert.equal(receiver.received.length, 3, 'the retried delivery, then the message held back behind it');
    assert.ok(receiver.received[0].body.equals(receiver.received[1].body));
    await webhook.getByRole('button', { name: 'Refresh log' }).click();
    await failedRow.getByText('Delivered').waitFor();
    await table.getByRole('row').filter({ hasText: 'New message' }).getByText('Delivered').waitFor();
    assert.equal(await table.getByRole('button', { name: 'Retry' }).count(), 0);

    await webhook.getByRole('button', { name: 'Pause' }).click();
    await webhook.getByRole('button', { name: 'Resume' }).waitFor();
    await webhook.getByText('Paused', { exact: true }).waitFor();
    const listed = (await call(b.h, 'GET', '/api/v1/webhooks')).json.data;
    assert.equal(listed.find((w: { name: string }) => w.name === 'Receiver').status, 'paused');
    await axeBothSchemes(page, 'a paused webhook');
    await webhook.getByRole('button', { name: 'Resume' }).click();
    await webhook.getByRole('button', { name: 'Pause' }).waitFor();
    assert.equal((await call(b.h, 'GET', '/api/v1/webhooks')).json.data.find((w: { name: string }) => w.name === 'Receiver').status, 'active');

    await webhook.getByRole('button', { name: 'Delete webhook' }).click();
    await webhook.getByRole('button', { name: 'Yes, delete' }).click();
    await webhook.waitFor({ state: 'detached' });
    assert.deepEqual((await call(b.h, 'GET', '/api/v1/webhooks')).json.data, []);

    assert.deepEqual(log.cspViolations(), []);
  } finally {
    await context.close();
    await receiver.close();
  }
});

test("the sections speak the admin's language (Portuguese, Spanish)", async (t) => {
  if (!needsBrowser(t, bh)) return;
  if (!(await loginAvailable(bh.h))) return t.skip(NO_LOGIN);
  const pt = await signedIn(bh, '/settings/inboxes', 'pt-BR');
  await pt.page.getByRole('heading', { name: 'Caixas de entrada e canais' }).waitFor();
  await pt.page.getByRole('region', { name: 'Inbox', exact: true }).getByRole('button', { name: 'Adicionar canal WhatsApp' }).click();
  await pt.page.getByLabel('ID do número de telefone').waitFor();
  assert.deepEqual(await axe(pt.page), []);
  await pt.context.close();
  const es = await signedIn(bh, '/settings/webhooks', 'es');
  await es.page.getByRole('button', { name: 'Añadir webhook' }).waitFor();
  await es.page.getByRole('checkbox', { name: /Conversación creada/ }).waitFor();
  assert.deepEqual(await axe(es.page), []);
  assert.deepEqual([...pt.log.cspViolations(), ...es.log.cspViolations()], []);
  await es.context.close();
});
