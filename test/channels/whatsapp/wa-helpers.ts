import assert from 'node:assert/strict';
import { call, type Harness } from '../../helpers/harness.ts';
import type { InitResult } from '../../../src/domain/workspaces.ts';
import { listAll } from '../../helpers/resources.ts';
import { metaJson, signMeta } from './meta-payloads.ts';

/** Shared steps of the WhatsApp channel's HTTP tests: a channel, a signed webhook POST, reads. */

export const APP_SECRET = 'app-secret-0123456789abcdef';
export const ACCESS_TOKEN = 'EAAGtest-access-token-9z8y';

let numberCounter = 0;
/** A phone number id no other channel of this run has (unique per installation). */
export function freshPhoneNumberId(): string {
  return `1065403522${String(process.pid % 1000).padStart(3, '0')}${String(++numberCounter).padStart(3, '0')}`;
}

let wamidCounter = 0;
/** A wamid no other message of this run has. */
export function wamid(label = 'm'): string {
  return `wamid.HBgL${label}${process.pid}x${++wamidCounter}x${Date.now()}`;
}

/** Now as Meta's `timestamp` (Unix seconds), optionally shifted by seconds. */
export function nowSec(shiftSeconds = 0): string {
  return String(Math.floor(Date.now() / 1000) + shiftSeconds);
}

export interface WaChannel {
  id: string;
  phoneNumberId: string;
  appSecret: string;
  json: any;
}

/** Creates a WhatsApp channel in the workspace's inbox and checks it answered 201. */
export async function createWhatsApp(h: Harness, config: Record<string, unknown> = {}, ws: InitResult = h.ws, name = 'WhatsApp'): Promise<WaChannel> {
  const full = { phoneNumberId: freshPhoneNumberId(), accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, ...config };
  const res = await call(h, 'POST', '/api/v1/channels', { key: ws.apiKey, body: { inboxId: ws.inboxId, kind: 'whatsapp', name, config: full } });
  assert.equal(res.status, 201, res.body);
  return { id: res.json.id, phoneNumberId: full.phoneNumberId as string, appSecret: full.appSecret as string, json: res.json };
}

export interface PostOptions {
  /** The exact bytes to send (default: Meta's serialisation of the body). */
  raw?: string;
  /** The header to send; null sends none (default: the right signature). */
  signature?: string | null;
  secret?: string;
  contentType?: string;
}

/** A webhook POST to the channel's callback URL, signed like Meta signs it. */
export async function postWebhook(h: Harness, channel: { id: string; appSecret?: string }, body: unknown, options: PostOptions = {}) {
  const raw = options.raw ?? metaJson(body);
  const signature = options.signature === undefined ? signMeta(raw, options.secret ?? channel.appSecret ?? APP_SECRET) : options.signature;
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await h.app.inject({ method: 'POST', url: `/webhooks/whatsapp/${channel.id}`, headers, payload: raw });
  let json: any = null;
  try {
    json = response.json();
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, body: response.body, headers: response.headers };
}

/** Posts and expects 200 `{received: true}`. */
export async function deliver(h: Harness, channel: { id: string; appSecret?: string }, body: unknown): Promise<void> {
  const res = await postWebhook(h, channel, body);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json, { received: true });
}

/** The conversations of one channel (native list). */
export async function conversationsOf(h: Harness, channelId: string, ws: InitResult = h.ws): Promise<any[]> {
  return (await listAll(h, 'conversations', { ws })).filter((c) => c.channelId === channelId);
}

/** Every message of a conversation, oldest first. */
export async function messagesOf(h: Harness, conversationId: string, ws: InitResult = h.ws): Promise<any[]> {
  const rows = await listAll(h, `conversations/${conversationId}/messages`, { ws });
  return rows.reverse();
}

/** Every message of every conversation of a channel. */
export async function channelMessages(h: Harness, channelId: string): Promise<any[]> {
  const all: any[] = [];
  for (const c of await conversationsOf(h, channelId)) all.push(...(await messagesOf(h, c.id)));
  return all;
}

/** The one message with this wamid (external id) on the channel. */
export async function messageByWamid(h: Harness, channelId: string, id: string): Promise<any> {
  const found = (await channelMessages(h, channelId)).filter((m) => m.externalId === id);
  assert.equal(found.length, 1, `one message ${id}, found ${found.length}`);
  return found[0];
}

/** The webhook-log rows of a channel, newest first (first page). */
export async function webhookLog(h: Harness, channelId: string, query: Record<string, string> = {}, ws: InitResult = h.ws) {
  return call(h, 'GET', `/api/v1/channels/${channelId}/webhook-log`, { key: ws.apiKey, query });
}

/** The person row (with its BSUID, which no read shows) by id. */
export async function personRow(h: Harness, personId: string) {
  return h.store.db.selectFrom('people').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
}
