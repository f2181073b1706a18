import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ENGINE } from '../helpers/engine.ts';
import { cliEnv, emptyDatabase, startServe, stopServer, type Server } from '../cli/cli-helpers.ts';
import { hmacSha256Header, standardWebhooksHeaders } from '../../src/events/signing.ts';
import { listConversations, readAllMessages, type Message } from '../../examples/jurichat-list-conversations.ts';
import { closeConversation, jelouSignature, startPanel, type UserMessageEvent, type PanelEvent } from '../../examples/jelou-panel.ts';
import { webhookHandler, type WebhookEvent } from '../../examples/webhook-receiver.ts';

// The examples talk to `conversas serve` — what `npm start` runs, with its background workers
// sending the webhooks — over real HTTP, configured from the credentials block it prints, as
// examples/README.md tells a reader to. Each example is driven through its exported functions and
// then run as a script, which must exit 0.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let server: Server | undefined;
/** The environment examples/README.md has the reader set, from what `serve` printed. */
let env: Record<string, string>;

before(async () => {
  db = await emptyDatabase();
  server = await startServe(cliEnv(db, { CONVERSAS_ALLOW_PRIVATE_WEBHOOKS: '1' }), 60_000);
  const printed = server.credentials;
  assert.ok(printed, `serve printed no credentials:\n${server.output().stdout}`);
  env = {
    CONVERSAS_URL: server.baseUrl,
    CONVERSAS_API_KEY: printed.apiKey,
    CONVERSAS_PROJECT_ID: printed.workspaceId,
    CONVERSAS_INBOX_ID: printed.inboxId,
    CONVERSAS_CHANNEL_ID: printed.channelId,
    CONVERSAS_BOT_ID: printed.botId,
  };
});
after(async () => {
  await stopServer(server, 'SIGTERM');
  await db?.drop();
});

/** A native API call. */
async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${env.CONVERSAS_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.CONVERSAS_API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as any };
}

/** Runs `node --import tsx examples/<name>.ts` from the checkout with `extra` in its environment. */
function runExample(name: string, extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, ...extra };
  delete childEnv.NODE_OPTIONS;
  delete childEnv.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Waits until `check()` holds (the server's workers send webhooks within a fraction of a second). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let phoneCounter = 0;
/** An end user writes on the sandbox channel. */
async function userWrites(text: string, phone: string, name = 'Maria') {
  const res = await api('POST', `/api/v1/channels/${env.CONVERSAS_CHANNEL_ID}/inbound`, {
    from: { phone, name },
    message: { type: 'text', text },
  });
  assert.equal(res.status, 200, res.text);
  return res.json as { personId: string; conversationId: string; messageId: string };
}
const newPhone = () => `55119300000${String(++phoneCounter).padStart(2, '0')}`;

/** The conversation's messages through the native API, newest first. */
async function nativeMessages(conversationId: string) {
  const res = await api('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`);
  assert.equal(res.status, 200, res.text);
  return res.json.data as { id: string; direction: string; content: string }[];
}

async function juriChat(method: string, path: string, body?: unknown) {
  const response = await fetch(`${env.CONVERSAS_URL}${path}`, {
    method,
    headers: { 'x-jurichat-api-key': env.CONVERSAS_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

test(`JuriChat client: lists the inbox's conversations and reads one page by page (${ENGINE})`, { timeout: 120_000 }, async () => {
  const phone = newPhone();
  const written: { conversationId: string; messageId: string }[] = [];
  for (let i = 1; i <= 8; i++) written.push(await userWrites(`message ${i}`, phone));
  const { conversationId } = written[0];
  await userWrites('another person', newPhone(), 'João');
  await userWrites('a third one', newPhone(), 'Rita');

  const client = { baseUrl: env.CONVERSAS_URL, apiKey: env.CONVERSAS_API_KEY };
  const listed = await listConversations(client, env.CONVERSAS_INBOX_ID, 2);
  const all = await api('GET', `/api/v1/conversations?inboxId=${env.CONVERSAS_INBOX_ID}&limit=200`);
  assert.ok(all.json.data.length > 2, 'more conversations than one page of 2');
  assert.deepEqual(listed.map((c) => c.id).sort(), all.json.data.map((c: { id: string }) => c.id).sort(), 'every page of the list was read, nothing twice');
  assert.equal(listed.find((c) => c.id === conversationId)?.lastMessage?.content, 'message 8');

  const pageSizes: number[] = [];
  const { messages, pages } = await readAllMessages(client, conversationId, 3, (page: Message[]) => pageSizes.push(page.length));
  assert.deepEqual(pageSizes, [3, 3, 2], 'newest page first, following nextCursor until hasMore is false');
  assert.equal(pages, 3);
  assert.deepEqual(
    messages.map((m) => m.id),
    written.map((w) => w.messageId),
    'the whole history, oldest first',
  );
  assert.deepEqual(
    messages.map((m) => m.content),
    ['message 1', 'message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'message 7', 'message 8'],
  );

  const run = await runExample('jurichat-list-conversations', { CONVERSAS_CONVERSATION_ID: conversationId, CONVERSAS_PAGE_SIZE: '3' });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  for (const c of listed) assert.ok(run.stdout.includes(c.id), `the script lists ${c.id}:\n${run.stdout}`);
  assert.match(run.stdout, /Read 8 message\(s\) in 3 page\(s\), oldest first/);
  const printedHistory = run.stdout.slice(run.stdout.indexOf('oldest first:'));
  assert.ok(printedHistory.indexOf('message 1') < printedHistory.indexOf('message 8'), run.stdout);
});

test(`Jelou panel: creates its integration, receives signed events, replies; then runs as a script (${ENGINE})`, { timeout: 120_000 }, async () => {
  const config = { baseUrl: env.CONVERSAS_URL, apiKey: env.CONVERSAS_API_KEY, projectId: env.CONVERSAS_PROJECT_ID };
  const events: PanelEvent[] = [];
  const replies: string[] = [];
  const panel = await startPanel(config, {
    onEvent: (event, replyId) => {
      events.push(event);
      if (replyId) replies.push(replyId);
    },
  });
  try {
    assert.equal(panel.integration.created, true);
    assert.match(panel.integration.signingSecret, /^[0-9a-f]{64}$/);
    const base = `/jelouapi/v1/external-support/${env.CONVERSAS_PROJECT_ID}`;
    const stored = await fetch(`${env.CONVERSAS_URL}${base}`, { headers: { 'x-api-key': env.CONVERSAS_API_KEY } });
    assert.equal(((await stored.json()) as any).data.webhookUrl, panel.webhookUrl);

    // The bot side: a user writes, the bot hands over, the user writes again.
    const phone = newPhone();
    const { personId, conversationId } = await userWrites('I want to talk to a person', phone);
    const started = await fetch(`${env.CONVERSAS_URL}${base}/conversations/start`, {
      method: 'POST',
      headers: { 'x-api-key': env.CONVERSAS_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ botId: env.CONVERSAS_BOT_ID, userId: personId, assignment: { type: 'queue', target: 'SUPPORT' } }),
    });
    assert.equal(started.status, 200, await started.text());
    await userWrites('My order is late', phone);
    await until(() => replies.length === 1, 'the panel to receive the message and reply');

    const start = events.find((e) => 'event' in e && e.event === 'conversation.start');
    assert.equal(start?.room_id, conversationId);
    const message = events.find((e): e is UserMessageEvent => 'event_type' in e);
    assert.ok(message, 'a message event');
    assert.equal(message.room_id, conversationId);
    assert.equal(message.contact.id, personId);
    assert.equal(message.bot.id, env.CONVERSAS_BOT_ID);
    assert.deepEqual(message.value.content, { body: 'My order is late' });

    const reply = (await nativeMessages(conversationId)).find((m) => m.id === replies[0]);
    assert.ok(reply, 'the reply is a message of the conversation');
    assert.equal(reply.direction, 'OUTBOUND');
    assert.equal(reply.content, 'Hi Maria, the support panel got your message: "My order is late"');

    // Conversas may send an event again: the panel replies with the same id, stored once.
    const raw = JSON.stringify(message);
    const again = await fetch(panel.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-jelou-signature': jelouSignature(panel.integration.signingSecret, raw) },
      body: raw,
    });
    assert.equal(again.status, 200);
    assert.deepEqual(replies, [replies[0], replies[0]]);
    assert.equal((await nativeMessages(conversationId)).filter((m) => m.direction === 'OUTBOUND').length, 1);

    // Forged events are refused and not handled.
    const tampered = JSON.stringify({ ...message, value: { ...message.value, content: { body: 'Send me a refund' } } });
    for (const [body, signature] of [
      [tampered, jelouSignature(panel.integration.signingSecret, raw)],
      [raw, jelouSignature('0'.repeat(64), raw)],
      [raw, undefined],
    ] as const) {
      const forged = await fetch(panel.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-jelou-signature': signature } : {}) },
        body,
      });
      assert.equal(forged.status, 401);
    }
    assert.equal(events.length, 3);

    // A message event that arrives after the close is acknowledged without a reply: no one to answer.
    await closeConversation(config, env.CONVERSAS_BOT_ID, personId, 'Bye, Maria');
    await until(() => events.some((e) => 'event' in e && e.event === 'conversation.close' && e.room_id === conversationId), 'conversation.close');
    const lateRaw = JSON.stringify({ ...message, value: { ...message.value, id: `${message.value.id}-late` } });
    const late = await fetch(panel.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-jelou-signature': jelouSignature(panel.integration.signingSecret, lateRaw) },
      body: lateRaw,
    });
    assert.equal(late.status, 200);
    assert.equal(events.length, 5);
    assert.equal(replies.length, 2);
  } finally {
    await panel.close();
  }

  // As a script, playing the other side too. The integration exists now: it is re-pointed, with a new secret.
  const run = await runExample('jelou-panel');
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /already existed: re-pointed here, signingSecret rotated/);
  assert.match(run.stdout, /← conversation\.start for room/);
  assert.match(run.stdout, /← message from Ana in room \S+: It is order 1234, it has not arrived/);
  assert.match(run.stdout, /← conversation\.close for room/);
  const roomId = /Done: room (\S+)/.exec(run.stdout)?.[1];
  const replyId = /→ replied, stored as message (\S+)/.exec(run.stdout)?.[1];
  assert.ok(roomId && replyId, run.stdout);
  const messages = await nativeMessages(roomId);
  assert.equal(messages.find((m) => m.id === replyId)?.direction, 'OUTBOUND');
  assert.deepEqual(messages.map((m) => m.content).reverse(), [
    'Hi, I need help with my order',
    'It is order 1234, it has not arrived',
    'Hi Ana, the support panel got your message: "It is order 1234, it has not arrived"',
    'Thank you, Ana! Back to the bot now.',
  ]);
});

test(`webhook receiver: verifies both signatures, de-duplicates, refuses forgeries; then runs as a script (${ENGINE})`, { timeout: 120_000 }, async () => {
  const receiver = createServer();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  const received: { event: WebhookEvent; id: string }[] = [];
  try {
    const subscribed = await juriChat('POST', '/webhooks', {
      name: 'examples test',
      url,
      events: ['chat.conversation.created', 'chat.message.created', 'webhook.test'],
    });
    assert.equal(subscribed.status, 200, JSON.stringify(subscribed.json));
    const { id: webhookId, secret } = subscribed.json as { id: string; secret: string };
    // Keeps each request's exact bytes too, to replay a real delivery below.
    const wire: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
    receiver.on('request', (request) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => wire.push({ headers: request.headers, body: Buffer.concat(chunks) }));
    });
    receiver.on('request', webhookHandler({ secret, onEvent: (event, id) => void received.push({ event, id }) }));

    const test = await juriChat('POST', `/webhooks/${webhookId}/test`);
    assert.equal(test.status, 200);
    const { conversationId, messageId } = await userWrites('Hello, webhooks', newPhone());
    const of = (name: string) => received.filter((r) => r.event.event === name);
    await until(
      () => of('webhook.test').length + of('chat.conversation.created').length + of('chat.message.created').length === 3,
      'three verified deliveries',
    );
    assert.equal(of('webhook.test')[0].id, test.json.deliveryId, 'webhook-id is the delivery id');
    assert.equal(of('chat.conversation.created')[0].event.data.conversationId, conversationId);
    const created = of('chat.message.created')[0].event.data as { conversationId: string; inboxId: string; message: { id: string; content: string } };
    assert.equal(created.conversationId, conversationId);
    assert.equal(created.inboxId, env.CONVERSAS_INBOX_ID);
    assert.equal(created.message.id, messageId);
    assert.equal(created.message.content, 'Hello, webhooks');
    await until(async () => {
      const succeeded = await juriChat('GET', `/webhooks/${webhookId}/deliveries?status=SUCCESS`);
      return succeeded.json.total === 3 && succeeded.json.data.every((d: { statusCode: number }) => d.statusCode === 200);
    }, 'Conversas to record three successful deliveries');

    const post = async (body: string, headers: Record<string, string>) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, text: await response.text() };
    };
    // A real delivery sent again is acknowledged, not handled again; with its body altered, it is refused.
    const delivered = wire.find((w) => w.headers['webhook-id'] === test.json.deliveryId)!;
    const replayHeaders = Object.fromEntries(
      ['content-type', 'x-jurichat-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(delivered.headers[name])]),
    );
    const handled = received.length;
    assert.deepEqual(await post(delivered.body.toString('utf8'), replayHeaders), { status: 200, text: 'already handled' });
    const altered = delivered.body.toString('utf8').replace('Conversas webhook test', 'Conversas webhook tent');
    assert.notEqual(altered, delivered.body.toString('utf8'));
    assert.equal((await post(altered, replayHeaders)).status, 401);
    assert.equal(received.length, handled);

    // Requests signed here as the server signs them (src/events/signing.ts), then altered.
    const body = JSON.stringify({
      event: 'chat.message.created',
      timestamp: new Date().toISOString(),
      data: { inboxId: env.CONVERSAS_INBOX_ID, conversationId },
    });
    const now = Math.floor(Date.now() / 1000);
    const signed = (id: string, text: string, seconds = now, key = secret) => ({
      'x-jurichat-signature': hmacSha256Header(key, text),
      ...standardWebhooksHeaders(key, id, seconds, text),
    });
    const before = received.length;
    assert.deepEqual(await post(body, signed('delivery-1', body)), { status: 200, text: 'ok' });
    assert.deepEqual(await post(body, signed('delivery-1', body)), { status: 200, text: 'already handled' });
    assert.equal(received.length, before + 1, 'a repeated webhook-id is acknowledged but handled once');

    const tampered = body.replace('chat.message.created', 'contact.deleted');
    assert.equal((await post(tampered, signed('delivery-2', body))).status, 401, 'a tampered body');
    assert.equal(
      (await post(body, { ...signed('delivery-3', body), 'x-jurichat-signature': hmacSha256Header(secret, tampered) })).status,
      401,
      'a wrong X-JuriChat-Signature',
    );
    assert.equal((await post(body, { ...signed('delivery-4', body), 'webhook-signature': 'v1,AAAA' })).status, 401, 'a wrong webhook-signature');
    assert.equal((await post(body, signed('delivery-5', body, now - 6 * 60))).status, 401, 'a timestamp beyond the tolerance');
    assert.equal((await post(body, signed('delivery-6', body, now, `whsec_${Buffer.alloc(32, 1).toString('base64')}`))).status, 401, 'another secret');
    assert.equal((await post(body, { 'x-jurichat-signature': hmacSha256Header(secret, body) })).status, 401, 'no Standard Webhooks headers');
    assert.equal(received.length, before + 1, 'nothing forged was handled');
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }

  const run = await runExample('webhook-receiver');
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const delivery = /✓ webhook\.test verified \(delivery (\S+)\)/.exec(run.stdout)?.[1];
  const unsubscribed = /Unsubscribed webhook (\S+)/.exec(run.stdout)?.[1];
  assert.ok(delivery && unsubscribed, run.stdout);
  assert.match(run.stdout, new RegExp(`Asked for a test delivery \\(${delivery}\\)`));
  const remaining = await juriChat('GET', '/webhooks/');
  assert.equal(
    remaining.json.some((w: { id: string }) => w.id === unsubscribed),
    false,
  );
});
