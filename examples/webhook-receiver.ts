// A webhook receiver for Conversas' JuriChat webhooks. Every delivery carries two signatures:
// `X-JuriChat-Signature: sha256=<hex HMAC-SHA256(secret, body)>` (JuriChat's), and the Standard
// Webhooks headers `webhook-id`, `webhook-timestamp`, `webhook-signature`, which also sign the id
// and the time, so a captured delivery cannot be replayed later. This receiver checks both, answers
// 2xx, and handles each `webhook-id` once (deliveries are at-least-once: a retry repeats the id).
//
//   CONVERSAS_URL=http://127.0.0.1:3001 CONVERSAS_API_KEY=cvs_live_… node --import tsx examples/webhook-receiver.ts
//
// Run as a script it listens on RECEIVER_PORT (default: any free port), subscribes itself with
// `POST /webhooks`, asks for a test delivery, prints it once verified, unsubscribes and exits.
// RECEIVER_KEEP_RUNNING=1 keeps it printing every event until Ctrl-C. The server must allow
// loopback targets (CONVERSAS_ALLOW_PRIVATE_WEBHOOKS=1) or be given RECEIVER_PUBLIC_URL.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How far `webhook-timestamp` may be from our clock (the Standard Webhooks recommendation). */
export const TOLERANCE_SECONDS = 5 * 60;
/** Conversas retries a delivery for about 10 hours, so an id is remembered for a day. */
const REMEMBER_IDS_MS = 24 * 3600 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

/** The JSON body of every JuriChat webhook (jurichat-api.md, "Webhooks"). */
export interface WebhookEvent {
  event: string;
  timestamp: string;
  data: { inboxId?: string; conversationId?: string; [field: string]: unknown };
}

export class InvalidSignatureError extends Error {}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `X-JuriChat-Signature`: HMAC-SHA256 over the exact body bytes, keyed with the whole `whsec_…` secret as text. */
export function verifyJuriChatSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
  return typeof header === 'string' && sameText(expected, header.trim().toLowerCase());
}

/**
 * Standard Webhooks: `webhook-signature` holds one or more space-separated `v1,<base64>` values,
 * each an HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`. The key is the base64 part of a
 * `whsec_` secret, decoded (for any other secret, such as Jelou's signingSecret, its UTF-8 bytes).
 * Throws InvalidSignatureError saying what is wrong.
 */
export function verifyStandardWebhook(secret: string, rawBody: Buffer, headers: IncomingHttpHeaders, nowMs = Date.now()): void {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    throw new InvalidSignatureError('webhook-id, webhook-timestamp and webhook-signature are required');
  }
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > TOLERANCE_SECONDS) {
    throw new InvalidSignatureError(`webhook-timestamp ${timestamp} is not within ${TOLERANCE_SECONDS} s of now`);
  }
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
  const matches = signatures.split(' ').some((entry) => entry.startsWith('v1,') && sameText(entry.slice(3), expected));
  if (!matches) throw new InvalidSignatureError('webhook-signature does not match the body');
}

export interface ReceiverOptions {
  /** The subscription's secret, as `POST /webhooks` returned it. */
  secret: string;
  /** Called once per delivery id; throwing makes the receiver answer 500, so Conversas retries. */
  onEvent: (event: WebhookEvent, deliveryId: string) => void | Promise<void>;
  now?: () => number;
}

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : null));
    request.on('error', reject);
  });
}

/** A `node:http` request listener that verifies, de-duplicates and hands each event to `onEvent`. */
export function webhookHandler(options: ReceiverOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const now = options.now ?? Date.now;
  const handled = new Map<string, number>(); // webhook-id → when to forget it, oldest first

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, text: string): void => {
      response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    };
    if (request.method !== 'POST') return answer(405, 'POST only');
    const body = await readBody(request);
    if (!body) return answer(413, 'body too large');
    try {
      verifyStandardWebhook(options.secret, body, request.headers, now());
      // JuriChat's own header too, whenever it is sent: it must never disagree with the body.
      if ('x-jurichat-signature' in request.headers && !verifyJuriChatSignature(options.secret, body, request.headers['x-jurichat-signature'] as string)) {
        throw new InvalidSignatureError('X-JuriChat-Signature does not match the body');
      }
    } catch (error) {
      if (error instanceof InvalidSignatureError) return answer(401, error.message);
      throw error;
    }

    const deliveryId = request.headers['webhook-id'] as string;
    for (const [id, forgetAt] of handled) {
      if (forgetAt > now()) break;
      handled.delete(id);
    }
    if (handled.has(deliveryId)) return answer(200, 'already handled');
    await options.onEvent(JSON.parse(body.toString('utf8')) as WebhookEvent, deliveryId);
    handled.set(deliveryId, now() + REMEMBER_IDS_MS);
    answer(200, 'ok');
  }

  return (request, response) => {
    handle(request, response).catch((error: Error) => {
      console.error(`webhook handling failed: ${error.message}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  };
}

async function juriChat<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${process.env.CONVERSAS_URL || 'http://127.0.0.1:3001'}${path}`, {
    method,
    headers: { 'X-JuriChat-Api-Key': process.env.CONVERSAS_API_KEY ?? '', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${(json as { message?: string } | null)?.message ?? response.statusText}`);
  return json as T;
}

async function main(): Promise<void> {
  if (!process.env.CONVERSAS_API_KEY) throw new Error('Set CONVERSAS_API_KEY (see examples/README.md).');
  const host = process.env.RECEIVER_HOST || '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(Number(process.env.RECEIVER_PORT || 0), host, resolve));
  const url = process.env.RECEIVER_PUBLIC_URL || `http://${host}:${(server.address() as AddressInfo).port}/webhooks`;
  console.log(`Listening on ${url}`);

  const events = await juriChat<string[]>('GET', '/webhooks/events');
  const subscription = await juriChat<{ id: string; secret: string }>('POST', '/webhooks', { name: 'examples/webhook-receiver', url, events });
  console.log(`Subscribed webhook ${subscription.id} to ${events.join(', ')}`);

  let testArrived: () => void = () => {};
  const testDelivery = new Promise<void>((resolve) => {
    testArrived = resolve;
  });
  server.on(
    'request',
    webhookHandler({
      secret: subscription.secret,
      onEvent: (event, deliveryId) => {
        console.log(`✓ ${event.event} verified (delivery ${deliveryId}) ${JSON.stringify(event.data)}`);
        if (event.event === 'webhook.test') testArrived();
      },
    }),
  );

  try {
    const { deliveryId } = await juriChat<{ deliveryId: string }>('POST', `/webhooks/${subscription.id}/test`);
    console.log(`Asked for a test delivery (${deliveryId})`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('No verified test delivery within 15 s')), 15_000);
    });
    await Promise.race([testDelivery, timeout]).finally(() => clearTimeout(timer));
    if (process.env.RECEIVER_KEEP_RUNNING === '1') {
      console.log('Waiting for events (send a sandbox message to see some); Ctrl-C to stop.');
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await juriChat('DELETE', `/webhooks/${subscription.id}`);
    console.log(`Unsubscribed webhook ${subscription.id}`);
    server.close();
  }
}

// Run as a script (not when imported, as the test does).
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
