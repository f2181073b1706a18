import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { guardedAgents, type GuardedAgents, type ResolveAll } from '../../net/guarded-lookup.ts';
import { classifyGraphError, failure, isRecord, parseJson, type GraphFailure, type GraphResult } from './graph-errors.ts';
import { exchange, type GraphExchange } from './graph-http.ts';
import { multipartForm } from './graph-multipart.ts';

export { classifyGraphError, type GraphFailure, type GraphFailureClass, type GraphResult } from './graph-errors.ts';

/** Where and as whom a channel talks to Meta's Graph API. */
export interface GraphTarget {
  graphApiUrl: string;
  graphApiVersion: string;
  phoneNumberId: string;
  wabaId?: string | null;
  accessToken: string;
}

export interface MediaInfo {
  url: string;
  mimeType: string | null;
  sha256: string | null;
  fileSize: number | null;
}

export interface GraphClient {
  /** POST …/{phoneNumberId}/messages; `messaging_product: "whatsapp"` is added. */
  sendMessage(target: GraphTarget, body: Record<string, unknown>): Promise<GraphResult<{ wamid: string }>>;
  /** POST …/{phoneNumberId}/media as multipart (`messaging_product`, `type`, `file`). */
  uploadMedia(target: GraphTarget, file: { bytes: Buffer; mimeType: string; fileName: string }): Promise<GraphResult<{ id: string }>>;
  /** GET …/{mediaId}: where a received file can be downloaded for the next 5 minutes. */
  mediaInfo(target: GraphTarget, mediaId: string): Promise<GraphResult<MediaInfo>>;
  /** GET the media URL with the Bearer header; too large or a SHA-256 mismatch is 'rejected'. */
  downloadMedia(
    target: GraphTarget,
    url: string,
    options: { maxBytes: number; sha256?: string | null },
  ): Promise<GraphResult<{ bytes: Buffer; mimeType: string | null }>>;
  /** GET …/{wabaId}/message_templates, every page up to a few. */
  listTemplates(target: GraphTarget): Promise<GraphResult<unknown[]>>;
  /** Blue ticks on a received message (and the ones before it). */
  markRead(target: GraphTarget, wamid: string): Promise<GraphResult<void>>;
}

export interface GraphClientOptions {
  /** Private and loopback addresses may be reached (tests, local fakes). */
  allowPrivate: boolean;
  /** No progress for this long ends a call; 20 s unless given. */
  timeoutMs?: number;
  /** How host names are resolved; the system resolver unless a test injects one. */
  resolve?: ResolveAll;
}

const JSON_LIMIT = 64 * 1024;
// Template pages carry every component of up to 100 templates: larger than other answers.
const TEMPLATE_PAGE_LIMIT = 1024 * 1024;
const TEMPLATE_PAGE_SIZE = 100;
const TEMPLATE_MAX_PAGES = 10;

type Call = Omit<GraphExchange, 'timeoutMs' | 'headers' | 'maxBytes'> & { headers?: Record<string, string>; maxBytes?: number };
type Answered = { status: number; headers: IncomingHttpHeaders; body: Buffer; tooLarge: boolean };

export function graphClient(options: GraphClientOptions): GraphClient {
  // Keep-alive: a channel sends many messages in a row, and a TLS handshake per message costs more than the message.
  const agents = guardedAgents({ allowPrivate: options.allowPrivate, resolve: options.resolve }, { keepAlive: true, maxSockets: 64 });
  const timeoutMs = options.timeoutMs ?? 20_000;
  const call = (target: GraphTarget, request: Call) => send(agents, timeoutMs, target, request);

  return {
    async sendMessage(target, body) {
      const payload = Object.assign({ messaging_product: 'whatsapp' }, body, { messaging_product: 'whatsapp' });
      const result = await callJson(call, target, { method: 'POST', url: messagesUrl(target), ...jsonBody(payload), repeatable: false });
      if (!result.ok) return result;
      const messages = result.value?.messages;
      const wamid = Array.isArray(messages) && isRecord(messages[0]) ? messages[0].id : null;
      // Meta said yes but the id is unreadable: the message may well be on its way, so not retryable.
      if (typeof wamid !== 'string' || wamid === '') return fail('unknown', 'send outcome unknown: Meta accepted the request without a readable message id');
      return { ok: true, value: { wamid } };
    },

    async uploadMedia(target, file) {
      const form = multipartForm(
        { messaging_product: 'whatsapp', type: file.mimeType },
        { field: 'file', fileName: file.fileName, mimeType: file.mimeType, bytes: file.bytes },
      );
      const url = `${graphBase(target)}/${encodeURIComponent(target.phoneNumberId)}/media`;
      const result = await callJson(call, target, { method: 'POST', url, headers: { 'content-type': form.contentType }, body: form.body, repeatable: true });
      if (!result.ok) return result;
      const id = result.value?.id;
      if (typeof id !== 'string' && typeof id !== 'number') return fail('retry', 'Meta accepted the upload without a media id');
      return { ok: true, value: { id: String(id) } };
    },

    async mediaInfo(target, mediaId) {
      const result = await callJson(call, target, { method: 'GET', url: `${graphBase(target)}/${encodeURIComponent(mediaId)}`, repeatable: true });
      if (!result.ok) return result;
      const info = result.value;
      if (typeof info?.url !== 'string' || info.url === '') return fail('retry', `Meta gave no download URL for media ${mediaId}`);
      return { ok: true, value: { url: info.url, mimeType: textOrNull(info.mime_type), sha256: textOrNull(info.sha256), fileSize: sizeOf(info.file_size) } };
    },

    async downloadMedia(target, url, { maxBytes, sha256 }) {
      // The token goes with the download: never over plain HTTP when the Graph API itself is HTTPS.
      if (protocolOf(graphBase(target)) !== 'http:' && protocolOf(url) !== 'https:') return fail('rejected', 'media URL is not HTTPS');
      const result = await call(target, { method: 'GET', url, maxBytes, repeatable: true });
      if (!result.ok) return result;
      const { status, headers, body, tooLarge } = result.value;
      if (status < 200 || status >= 300) {
        const classified = classifyGraphError(status, body.subarray(0, JSON_LIMIT), header(headers, 'retry-after'));
        // Meta deletes media after 30 days (inbound ids after 7): a 404 will not heal.
        return {
          ok: false,
          failure: status === 404 ? { ...classified, class: 'rejected', message: `${classified.message} (media no longer available)` } : classified,
        };
      }
      if (tooLarge) return fail('rejected', `media larger than ${maxBytes} bytes`, { httpStatus: status });
      if (sha256 && !sha256Matches(body, sha256)) return fail('rejected', 'media SHA-256 does not match the one Meta gave', { httpStatus: status });
      return { ok: true, value: { bytes: body, mimeType: mediaType(header(headers, 'content-type')) } };
    },

    async listTemplates(target) {
      if (!target.wabaId) return fail('rejected', 'the channel has no WhatsApp Business Account id (wabaId)');
      const base = graphBase(target);
      const templates: unknown[] = [];
      let url: string | null = `${base}/${encodeURIComponent(target.wabaId)}/message_templates?limit=${TEMPLATE_PAGE_SIZE}`;
      for (let page = 0; url && page < TEMPLATE_MAX_PAGES; page++) {
        const result = await callJson(call, target, { method: 'GET', url, maxBytes: TEMPLATE_PAGE_LIMIT, repeatable: true });
        if (!result.ok) return result;
        const data = result.value?.data;
        if (!Array.isArray(data)) return fail('retry', 'Meta answered the template list without data');
        templates.push(...data);
        const next = isRecord(result.value?.paging) ? result.value.paging.next : null;
        url = typeof next === 'string' && next !== '' ? next : null;
        // The token goes to every page: only to the host it was configured for.
        if (url && !sameOrigin(url, base)) return fail('rejected', 'the template list pages to another host; not followed with the token');
      }
      return { ok: true, value: templates };
    },

    async markRead(target, wamid) {
      const payload = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
      const result = await callJson(call, target, { method: 'POST', url: messagesUrl(target), ...jsonBody(payload), repeatable: true });
      return result.ok ? { ok: true, value: undefined } : result;
    },
  };
}

/** One call with the Bearer header; failures never mention the token. */
async function send(agents: GuardedAgents, timeoutMs: number, target: GraphTarget, request: Call): Promise<GraphResult<Answered>> {
  const headers = { ...request.headers, authorization: `Bearer ${target.accessToken}`, 'user-agent': 'Conversas' };
  const answer = await exchange(agents, { maxBytes: JSON_LIMIT, ...request, headers, timeoutMs });
  if (answer.kind === 'failed') return { ok: false, failure: withoutToken(answer.failure, target.accessToken) };
  const { kind: _, ...answered } = answer;
  return { ok: true, value: answered };
}

/** A call whose answer is JSON: non-2xx classified, 2xx parsed (null when unreadable). */
async function callJson(
  call: (target: GraphTarget, request: Call) => Promise<GraphResult<Answered>>,
  target: GraphTarget,
  request: Call,
): Promise<GraphResult<Record<string, unknown> | null>> {
  const result = await call(target, request);
  if (!result.ok) return result;
  const { status, headers, body, tooLarge } = result.value;
  const json = tooLarge ? null : parseJson(body.toString('utf8'));
  if (status < 200 || status >= 300) {
    return { ok: false, failure: withoutToken(classifyGraphError(status, json, header(headers, 'retry-after')), target.accessToken) };
  }
  return { ok: true, value: isRecord(json) ? json : null };
}

function fail(kind: GraphFailure['class'], message: string, extra: Partial<GraphFailure> = {}): { ok: false; failure: GraphFailure } {
  return { ok: false, failure: failure(kind, message, extra) };
}

function withoutToken(found: GraphFailure, token: string): GraphFailure {
  return token && found.message.includes(token) ? { ...found, message: found.message.replaceAll(token, '***') } : found;
}

function graphBase(target: GraphTarget): string {
  return `${target.graphApiUrl.replace(/\/+$/, '')}/${encodeURIComponent(target.graphApiVersion)}`;
}

function messagesUrl(target: GraphTarget): string {
  return `${graphBase(target)}/${encodeURIComponent(target.phoneNumberId)}/messages`;
}

function jsonBody(payload: unknown) {
  return { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(payload), 'utf8') };
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

function protocolOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).protocol : null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Meta's docs show `file_size` as a string, its SDKs as a number: both are read. */
function sizeOf(value: unknown): number | null {
  const size = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : null;
}

function mediaType(contentType: string | null): string | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type ? type : null;
}

/**
 * Whether `bytes` hash to Meta's `sha256`. Meta's own examples show base64 and some integrators
 * report hex, so a 64-character hex string is read as hex and anything else as base64 (or
 * base64url, padding optional); 32 bytes are 43–44 characters in base64, so the two never collide.
 */
export function sha256Matches(bytes: Buffer, expected: string): boolean {
  const digest = createHash('sha256').update(bytes).digest();
  const given = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(given)) return digest.toString('hex') === given.toLowerCase();
  return digest.toString('base64').replace(/=+$/, '') === given.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, '');
}
