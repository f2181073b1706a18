import type { Harness, CallOptions } from './harness.ts';

/** A JuriChat-dialect call with `X-JuriChat-Api-Key` (the harness's first workspace unless `key` says otherwise). */
export async function juri(h: Harness, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, options: CallOptions = {}) {
  const key = options.key === undefined ? h.ws.apiKey : options.key;
  const headers: Record<string, string> = { ...(key ? { 'x-jurichat-api-key': key } : {}), ...options.headers };
  const response = await h.app.inject({
    method,
    url,
    headers,
    query: options.query,
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  let json: any = null;
  try {
    json = response.json();
  } catch {
    json = null;
  }
  return { status: response.statusCode, json, headers: response.headers, body: response.body };
}

/** Asserts JuriChat's (Fastify's) error shape and returns the message. */
export function fastifyError(res: { status: number; json: any }, status: number): string {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.json)}`);
  const keys = Object.keys(res.json ?? {})
    .sort()
    .join(',');
  if (keys !== 'error,message,statusCode') throw new Error(`not Fastify's error shape: ${JSON.stringify(res.json)}`);
  if (res.json.statusCode !== status) throw new Error(`statusCode ${res.json.statusCode} != ${status}`);
  return res.json.message as string;
}
