import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { InitResult } from '../../src/domain/workspaces.ts';
import type { Harness } from './harness.ts';

export type Prefix = '/jelouapi' | '/platform';
export const PREFIXES: Prefix[] = ['/jelouapi', '/platform'];

/** The management base of a project: `{prefix}/v1/external-support/{projectId}`. */
export const base = (projectId: string, prefix: Prefix = '/jelouapi') => `${prefix}/v1/external-support/${projectId}`;

export interface JelouCall {
  /** Whose credentials (default: the harness's first workspace). */
  ws?: InitResult;
  /** `key` → x-api-key, `basic` → Authorization: Basic clientId:clientSecret, `none` → nothing. */
  auth?: 'key' | 'basic' | 'none';
  body?: unknown;
  /** A body sent byte for byte (with content-type application/json). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function jelou(h: Harness, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, options: JelouCall = {}) {
  const ws = options.ws ?? h.ws;
  const auth = options.auth ?? 'key';
  const headers: Record<string, string> = {
    ...(auth === 'key' ? { 'x-api-key': ws.apiKey } : {}),
    ...(auth === 'basic' ? { authorization: `Basic ${Buffer.from(`${ws.clientId}:${ws.clientSecret}`).toString('base64')}` } : {}),
    ...(options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const payload = options.raw !== undefined ? options.raw : options.body !== undefined ? (options.body as object) : undefined;
  const response = await h.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  let json: any = null;
  try {
    json = response.json();
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, headers: response.headers, body: response.body };
}

/** `sha256=` + hex HMAC-SHA256 of the exact bytes, keyed with the signing secret as UTF-8. */
export function sign(secret: string, raw: string | Buffer): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('hex')}`;
}

/** The panel's reply, signed with `secret` unless `signature` says otherwise (null: no header). */
export async function panelReply(h: Harness, body: unknown, secret: string, options: { path?: string; signature?: string | null; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const signature = options.signature === undefined ? sign(secret, raw) : options.signature;
  return jelou(h, 'POST', options.path ?? '/v1/external-support/webhook', {
    auth: 'none',
    raw,
    headers: signature === null ? {} : { 'x-jelou-signature': signature },
  });
}

/** A text reply body for a room. */
export function replyBody(
  ids: { projectId: string; roomId: string; botId: string; userId: string },
  valueId: string,
  value: Record<string, unknown> = { type: 'text', content: { body: 'Hi from the panel' } },
) {
  return {
    field: 'messages',
    object: 'message_event',
    event_type: 'incoming_message',
    project_id: ids.projectId,
    room_id: ids.roomId,
    bot_id: ids.botId,
    user_id: ids.userId,
    value: { id: valueId, ...value },
  };
}

/** Asserts Jelou's error envelope, field by field, and returns it. */
export function jelouError(res: { status: number; json: any; body: string }, status: number, key: string) {
  assert.equal(res.status, status, res.body);
  const e = res.json;
  assert.deepEqual(Object.keys(e), ['message', 'statusMessage', 'status', 'error', 'validationError'], res.body);
  assert.equal(typeof e.message, 'string');
  assert.equal(e.statusMessage, 'error');
  assert.equal(e.status, 0);
  assert.deepEqual(Object.keys(e.error), ['code', 'key', 'description', 'developerMessages', 'clientMessages']);
  const code = {
    401: 'unauthorized',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    422: 'unprocessable_entity',
    429: 'too_many_requests',
    500: 'internal_server_error',
  }[status];
  assert.equal(e.error.code, code);
  assert.equal(e.error.key, key, res.body);
  assert.equal(typeof e.error.description, 'string');
  assert.deepEqual(Object.keys(e.error.developerMessages), ['en']);
  assert.deepEqual(Object.keys(e.error.clientMessages).sort(), ['en', 'es', 'pt']);
  if (status === 422) assert.ok(Object.keys(e.validationError).length > 0, 'a 422 names the offending fields');
  else assert.deepEqual(e.validationError, {});
  return e;
}

/** Creates the project's integration and returns it (with its signingSecret). */
export async function createIntegration(h: Harness, webhookUrl: string, options: { ws?: InitResult; authType?: string; authorization?: string } = {}) {
  const ws = options.ws ?? h.ws;
  const res = await jelou(h, 'POST', base(ws.workspaceId), {
    ws,
    body: {
      webhookUrl,
      ...(options.authType ? { authType: options.authType } : {}),
      ...(options.authorization ? { authorization: options.authorization } : {}),
    },
  });
  assert.equal(res.status, 200, res.body);
  return res.json.data as { id: string; brainId: string; webhookUrl: string; authType: string; signingSecret: string; createdAt: string; updatedAt: string };
}

/** Starts a session for (bot, user) and returns its data. */
export async function startSession(h: Harness, body: Record<string, unknown>, ws: InitResult = h.ws) {
  const res = await jelou(h, 'POST', `${base(ws.workspaceId)}/conversations/start`, { ws, body: { botId: ws.botId, ...body } });
  assert.equal(res.status, 200, res.body);
  return res.json.data as { _id: string; roomId: string; state: string; startAt: string; User: any; Bot: any; endAt?: string; endedReason?: string };
}

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
