import assert from 'node:assert/strict';
import type { App } from '../../src/app.ts';
import { call, type Harness } from './harness.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** `POST /auth/login`; returns the answer and the `conversas_session=…` pair to send back. */
export async function login(h: Harness, email: string, password: string, app: App = h.app) {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const setCookie = [response.headers['set-cookie'] ?? []].flat()[0] ?? '';
  const cookie = /^conversas_session=[^;]+/.exec(setCookie)?.[0] ?? null;
  let json: any = null;
  try {
    json = response.json();
  } catch {}
  return { status: response.statusCode, json, body: response.body, headers: response.headers, setCookie, cookie };
}

/** Signs in and returns the cookie pair; fails the test otherwise. */
export async function signIn(h: Harness, email: string, password: string, app: App = h.app): Promise<string> {
  const res = await login(h, email, password, app);
  assert.equal(res.status, 200, res.body);
  assert.ok(res.cookie, 'a session cookie');
  return res.cookie;
}

/** A native call with the session cookie and no API key; unsafe methods carry PUBLIC_URL's Origin unless `origin` says otherwise. */
export async function asSession(
  h: Harness,
  cookie: string,
  method: Method,
  url: string,
  options: { body?: unknown; origin?: string | null; app?: App; headers?: Record<string, string> } = {},
) {
  const origin = options.origin === undefined ? (method === 'GET' ? null : new URL(h.config.publicUrl).origin) : options.origin;
  const headers = { cookie, ...(origin ? { origin } : {}), ...options.headers };
  if (!options.app) return call(h, method, url, { key: null, headers, body: options.body });
  const response = await options.app.inject({ method, url, headers, ...(options.body !== undefined ? { payload: options.body as object } : {}) });
  let json: any = null;
  try {
    json = response.json();
  } catch {}
  return { status: response.statusCode, json, headers: response.headers, body: response.body };
}

/** A user with a password, created with the workspace's API key; returns its id and credentials. */
export async function makeAgent(h: Harness, fields: Record<string, unknown> = {}, apiKey = h.ws.apiKey) {
  const email = `agent-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const password = `pw-${Math.random().toString(36).slice(2)}-long`;
  const res = await call(h, 'POST', '/api/v1/users', { key: apiKey, body: { name: 'Agente', email, password, ...fields } });
  assert.equal(res.status, 201, res.body);
  return { id: res.json.id as string, email, password, user: res.json };
}
