import http from 'node:http';
import https from 'node:https';
import { guardedAgents, type GuardedAgents, type OutboundPolicy } from '../net/guarded-lookup.ts';

/** One webhook POST as the dispatcher makes it. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  bodyLimit: number;
}

/** What the receiver answered; `body` is its first `bodyLimit` bytes as text, null if it could not be read. */
export interface WebhookResponse {
  status: number;
  body: string | null;
  retryAfter: string | null;
}

export type SendWebhook = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Thrown when the receiver does not answer within the timeout. */
export class SendTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * A sender that POSTs with node:http rather than fetch: for small bodies fetch's web streams and
 * abort signals cost several times the request itself, and the dispatcher sends thousands a
 * second. Redirects are not followed (node:http never does). Every connection goes through
 * agents that refuse private addresses per `policy`, checked on the address actually connected to.
 */
export function httpSender(policy: OutboundPolicy): SendWebhook {
  // Keep-alive: a receiver gets many deliveries in a row, and a new connection per POST costs more than the POST.
  const agents = guardedAgents(policy, { keepAlive: true, maxSockets: 64 });
  return (request) => post(request, agents);
}

const post = ({ url, headers, body, timeoutMs, bodyLimit }: WebhookRequest, agents: GuardedAgents) =>
  new Promise<WebhookResponse>((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    const agent = agents[target.protocol as keyof typeof agents];
    if (!agent) return reject(new Error(`unsupported protocol ${target.protocol}`));
    const payload = Buffer.from(body, 'utf8');
    const request = transport.request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } }, (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let settled = false;
      const finish = (readable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text = readable || chunks.length > 0 ? decodeCut(Buffer.concat(chunks), bodyLimit) : null;
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, body: text, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
      };
      response.on('data', (chunk: Buffer) => {
        if (kept >= bodyLimit) return;
        chunks.push(chunk);
        kept += chunk.length;
        // Enough kept: the rest is not read, and the connection is not reused.
        if (kept >= bodyLimit) {
          finish(true);
          response.destroy();
        }
      });
      response.on('end', () => finish(true));
      response.on('error', () => finish(false));
      response.on('close', () => finish(response.complete));
    });
    const timer = setTimeout(() => request.destroy(new SendTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(payload);
  });

/** At most `limit` bytes as UTF-8 text, without a character cut in half at the limit, NUL dropped. */
export function decodeCut(bytes: Buffer, limit: number): string {
  return new TextDecoder().decode(bytes.subarray(0, limit), { stream: true }).replaceAll('\u0000', '');
}
