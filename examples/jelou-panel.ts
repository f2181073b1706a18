// A Jelou external support panel. It registers its own HTTP server as the project's integration
// (`POST {base}`), keeps the signingSecret it gets back, and then receives signed events: a
// `conversation.start` when a conversation is handed to humans, a `message` for every message the
// end user sends while it is, and a `conversation.close` at the end. It checks
// `X-Jelou-Signature: sha256=<hex HMAC-SHA256(signingSecret, raw body)>` on each, and answers the
// user through `POST /v1/external-support/webhook`, signed the same way.
//
//   CONVERSAS_URL=http://127.0.0.1:3001 CONVERSAS_API_KEY=cvs_live_… CONVERSAS_PROJECT_ID=<workspace id> \
//     node --import tsx examples/jelou-panel.ts
//
// It serves on PANEL_PORT (default: any free port) until Ctrl-C. With CONVERSAS_CHANNEL_ID and
// CONVERSAS_BOT_ID set it also plays the other side once — an end user writes on the sandbox
// channel, the conversation is handed over, the user writes again, the panel answers, the
// conversation is closed — and exits. The server must allow loopback targets
// (CONVERSAS_ALLOW_PRIVATE_WEBHOOKS=1) or be given PANEL_PUBLIC_URL.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PanelConfig {
  baseUrl: string;
  apiKey: string;
  /** The workspace id. */
  projectId: string;
}

export interface Integration {
  id: string;
  webhookUrl: string;
  signingSecret: string;
}

interface Party {
  id: string;
  name: string | null;
}

/** An end user's message, sent while the conversation is in human support (jelou-api.md, "Messages"). */
export interface UserMessageEvent {
  event_type: 'message';
  timestamp: number;
  project_id: string;
  room_id: string;
  contact: Party;
  conversation: { id: string };
  bot: Party;
  value: { id: string; type: 'text' | 'image' | 'video' | 'audio' | 'document'; content: { body?: string; url?: string; mime_type?: string | null } };
}

/** A human-support conversation opened or closed (jelou-api.md, "Events to the panel"). */
export interface ConversationEvent {
  event: 'conversation.start' | 'conversation.close';
  timestamp: number;
  project_id: string;
  room_id: string;
  conversation: { id: string };
  contact: Party;
  bot: Party;
}

export type PanelEvent = UserMessageEvent | ConversationEvent;

/** The management base of the project. */
export const managementBase = (config: PanelConfig) => `${config.baseUrl}/jelouapi/v1/external-support/${config.projectId}`;

/** Calls the management API; resolves with the envelope's `data`, throws with Jelou's error otherwise. */
async function jelou<T>(config: PanelConfig, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${managementBase(config)}${path}`, {
    method,
    headers: { 'x-api-key': config.apiKey, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = (await response.json()) as { data?: T; message: string | string[]; error?: { key: string } };
  if (!response.ok) throw Object.assign(new Error(`${method} ${path || '/'} answered ${response.status}: ${envelope.message}`), { key: envelope.error?.key });
  return envelope.data as T;
}

/**
 * Points the project's integration at `webhookUrl`. A project has one integration, and its
 * signingSecret is shown only when it is created or rotated: when one exists already (a previous
 * run), it is re-pointed here with a new secret.
 */
export async function connectIntegration(config: PanelConfig, webhookUrl: string): Promise<Integration & { created: boolean }> {
  try {
    return { ...(await jelou<Integration>(config, 'POST', '', { webhookUrl })), created: true };
  } catch (error) {
    if ((error as { key?: string }).key !== 'integration_already_exists') throw error;
    return { ...(await jelou<Integration>(config, 'PATCH', '', { webhookUrl, rotateSecret: true })), created: false };
  }
}

export function jelouSignature(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifyJelouSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const expected = Buffer.from(jelouSignature(secret, rawBody));
  const given = Buffer.from(header?.trim().toLowerCase() ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Answers the end user of the event's room; resolves with the stored message's id, or null when
 * the conversation has left human support meanwhile (409: there is no one to answer any more).
 * Conversas sends each event at least once, so the reply's id is derived from the message it
 * answers: a repeated event stores one reply.
 */
export async function replyToUser(config: PanelConfig, secret: string, event: UserMessageEvent, text: string): Promise<string | null> {
  const raw = JSON.stringify({
    field: 'messages',
    object: 'message_event',
    event_type: 'incoming_message',
    project_id: event.project_id,
    room_id: event.room_id,
    bot_id: event.bot.id,
    user_id: event.contact.id,
    value: { id: `reply-to-${event.value.id}`, type: 'text', content: { body: text } },
  });
  const response = await fetch(`${config.baseUrl}/v1/external-support/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-jelou-signature': jelouSignature(secret, raw) },
    body: raw,
  });
  const answer = (await response.json()) as { data?: { id: string }; message: string | string[] };
  if (response.status === 409) return null;
  if (!response.ok) throw new Error(`the reply was refused (${response.status}): ${answer.message}`);
  return answer.data!.id;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export interface Panel {
  webhookUrl: string;
  integration: Integration & { created: boolean };
  close(): Promise<void>;
}

export interface PanelOptions {
  port?: number;
  host?: string;
  /** The URL Conversas should call, when it is not http://host:port/jelou-events. */
  publicUrl?: string;
  /** Told of every verified event, with the id of the reply the panel sent (null when it sent none). */
  onEvent?: (event: PanelEvent, replyId: string | null) => void;
}

/**
 * Starts the panel: listens, connects the integration to itself, then verifies each event and
 * replies to every text message. An event is answered 200 only once handled; a failure answers 500
 * and Conversas sends the event again.
 */
export async function startPanel(config: PanelConfig, options: PanelOptions = {}): Promise<Panel> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const webhookUrl = options.publicUrl ?? `http://${host}:${(server.address() as AddressInfo).port}/jelou-events`;
  const integration = await connectIntegration(config, webhookUrl);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (!verifyJelouSignature(integration.signingSecret, body, request.headers['x-jelou-signature'] as string | undefined)) {
      response.writeHead(401).end('invalid signature');
      return;
    }
    const event = JSON.parse(body.toString('utf8')) as PanelEvent;
    let replyId: string | null = null;
    if ('event_type' in event && event.value.type === 'text') {
      replyId = await replyToUser(
        config,
        integration.signingSecret,
        event,
        `Hi ${event.contact.name ?? 'there'}, the support panel got your message: "${event.value.content.body}"`,
      );
    }
    options.onEvent?.(event, replyId);
    response.writeHead(200).end('ok');
  }
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: Error) => {
      console.error(`event handling failed: ${error.message}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  return { webhookUrl, integration, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The other side, for a demonstration: what WhatsApp and the bot would do. An end user writes on
 * the sandbox channel (native API), the bot hands the conversation to humans (`conversations/start`,
 * which the panel hears as `conversation.start`), and the user writes again: a `message` event.
 */
export async function handOverDemoConversation(config: PanelConfig, channelId: string, botId: string): Promise<{ roomId: string; userId: string }> {
  const phone = `5511${String(Date.now()).slice(-9)}`;
  const userWrites = async (text: string) => {
    const response = await fetch(`${config.baseUrl}/api/v1/channels/${channelId}/inbound`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: { phone, name: 'Ana' }, message: { type: 'text', text } }),
    });
    if (!response.ok) throw new Error(`the sandbox inbound answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { personId: string; conversationId: string };
  };
  const { personId, conversationId } = await userWrites('Hi, I need help with my order');
  await jelou(config, 'POST', '/conversations/start', { botId, userId: personId, assignment: { type: 'queue', target: 'SUPPORT' } });
  await userWrites('It is order 1234, it has not arrived');
  return { roomId: conversationId, userId: personId };
}

/** Ends human support: the user goes back to the bot after `farewell`, and the panel hears `conversation.close`. */
export async function closeConversation(config: PanelConfig, botId: string, userId: string, farewell: string): Promise<void> {
  await jelou(config, 'POST', '/conversations/close', { botId, userId, redirectPayload: { type: 'text', text: farewell } });
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/README.md).`);
  return value;
}

/** Resolves once `check()` holds, polling; rejects after `ms`. */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const config = {
    baseUrl: process.env.CONVERSAS_URL || 'http://127.0.0.1:3001',
    apiKey: requiredEnv('CONVERSAS_API_KEY'),
    projectId: requiredEnv('CONVERSAS_PROJECT_ID'),
  };
  const seen = new Set<string>(); // "<event> <room id>", for the demo to wait on
  const panel = await startPanel(config, {
    port: Number(process.env.PANEL_PORT || 0),
    host: process.env.PANEL_HOST || '127.0.0.1',
    publicUrl: process.env.PANEL_PUBLIC_URL || undefined,
    onEvent: (event, replyId) => {
      seen.add(`${'event_type' in event ? 'message' : event.event} ${event.room_id}`);
      if ('event_type' in event)
        console.log(`← message from ${event.contact.name} in room ${event.room_id}: ${event.value.content.body ?? event.value.content.url}`);
      else console.log(`← ${event.event} for room ${event.room_id} (${event.contact.name}, conversation ${event.conversation.id})`);
      if (replyId) console.log(`→ replied, stored as message ${replyId}`);
    },
  });
  const { created, id } = panel.integration;
  console.log(`Integration ${id} ${created ? 'created' : 'already existed: re-pointed here, signingSecret rotated'}; events go to ${panel.webhookUrl}`);

  const channelId = process.env.CONVERSAS_CHANNEL_ID;
  const botId = process.env.CONVERSAS_BOT_ID;
  try {
    if (!channelId || !botId) {
      console.log('Waiting for events (hand a conversation over with POST {base}/conversations/start); Ctrl-C to stop.');
      await new Promise((resolve) => process.once('SIGINT', resolve));
      return;
    }
    const { roomId, userId } = await handOverDemoConversation(config, channelId, botId);
    console.log(`Demo: the end user wrote, and room ${roomId} was handed over`);
    await until(() => seen.has(`message ${roomId}`), 'the message event');
    await closeConversation(config, botId, userId, 'Thank you, Ana! Back to the bot now.');
    await until(() => seen.has(`conversation.close ${roomId}`), 'conversation.close');
    console.log(`Done: room ${roomId}`);
  } finally {
    await panel.close();
  }
}

// Run as a script (not when imported, as the test does).
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
