/**
 * What a failed Graph API call means for the caller. Meta's own advice is to branch on
 * `error.code`, not on the HTTP status or the message text, so the code decides whenever Meta gave
 * one we know; the HTTP status decides otherwise.
 */

export type GraphFailureClass =
  /** Permanent for this message: it becomes `failed`. */
  | 'rejected'
  /** Transient: retry with the outbox's backoff. */
  | 'retry'
  /** Too many messages to this one person (131056): retry this conversation after 4^n s. */
  | 'throttle_person'
  /** The token was revoked or expired: the channel goes to `error`, its messages wait. */
  | 'auth'
  /** The request was fully written but no answer came: it may have been sent; never retry blindly. */
  | 'unknown';

export interface GraphFailure {
  class: GraphFailureClass;
  code: number | null;
  httpStatus: number | null;
  /** `"<code>: <message>"` when Meta gave a code; never contains the access token. */
  message: string;
  retryAfterMs: number | null;
}

export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

const AUTH_CODES = new Set([0, 190]);
const PAIR_RATE_LIMIT = 131056;
// Rate limits (4, 17, 32, 613, 80007, 130429, 131048), "temporary" API errors (1, 2), generic and
// service-unavailable errors (131000, 131016) and number maintenance (131057): all pass with time.
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131057]);
// Permanent even if Meta ever answers them with a 5xx: window closed, undeliverable, unsupported
// type, media errors, parameter errors.
const PERMANENT_CODES = new Set([100, 131008, 131009, 131026, 131047, 131051, 131052, 131053]);
const MESSAGE_LIMIT = 500;

export function failure(kind: GraphFailureClass, message: string, extra: Partial<Omit<GraphFailure, 'class' | 'message'>> = {}): GraphFailure {
  return { class: kind, code: null, httpStatus: null, retryAfterMs: null, ...extra, message: message.slice(0, MESSAGE_LIMIT) };
}

/**
 * A non-2xx Graph answer, classified. `body` is Meta's error JSON (parsed, or as text/bytes);
 * `retryAfter` is the `Retry-After` header, when there was one.
 */
export function classifyGraphError(httpStatus: number, body: unknown, retryAfter?: string | null, now: number = Date.now()): GraphFailure {
  const error = metaError(body);
  const code = codeOf(error?.code);
  const text = errorText(error, code);
  const message = code !== null ? `${code}: ${text ?? `HTTP ${httpStatus}`}` : text ? `HTTP ${httpStatus}: ${text}` : `HTTP ${httpStatus}`;
  const kind = classOf(code, httpStatus, error?.is_transient === true);
  return failure(kind, message, { code, httpStatus, retryAfterMs: retryAfterMs(retryAfter ?? null, now) });
}

function classOf(code: number | null, httpStatus: number, transient: boolean): GraphFailureClass {
  if ((code !== null && AUTH_CODES.has(code)) || httpStatus === 401) return 'auth';
  if (code === PAIR_RATE_LIMIT) return 'throttle_person';
  if (code !== null && TRANSIENT_CODES.has(code)) return 'retry';
  if (code !== null && PERMANENT_CODES.has(code)) return 'rejected';
  // 408: the server gave up waiting for our request, so it cannot have acted on it.
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500 || transient) return 'retry';
  return 'rejected';
}

type MetaError = Record<string, unknown> & { error_data?: unknown };

function metaError(body: unknown): MetaError | null {
  const parsed = Buffer.isBuffer(body) ? parseJson(body.toString('utf8')) : typeof body === 'string' ? parseJson(body) : body;
  if (!isRecord(parsed) || !isRecord(parsed.error)) return null;
  return parsed.error;
}

function codeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** Meta's message without the `(#code) ` it repeats, else the title, else the details. */
function errorText(error: MetaError | null, code: number | null): string | null {
  if (!error) return null;
  const details = isRecord(error.error_data) ? error.error_data.details : null;
  for (const candidate of [error.message, error.title, error.error_user_title, details]) {
    if (typeof candidate !== 'string' || candidate.trim() === '') continue;
    const text = candidate.trim();
    return code === null ? text : text.replace(new RegExp(`^\\(#${code}\\)\\s*`), '');
  }
  return null;
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
