import type { FastifyError } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { storageProblem } from './storage-problem.ts';

/** Any failure, reduced to what every surface needs to render its own error shape. */
export interface Problem {
  status: number;
  /** Generic code (`not_found`, `validation_failed`, `conflict`, …). */
  code: string;
  /** Specific reason (`conversation_not_found`, `invalid_json`, …). */
  reason: string;
  message: string;
  /** Offending field → messages, for validation failures. */
  fields: Record<string, string[]>;
  retryAfterSeconds?: number;
}

const STATUS_OF_KIND: Record<DomainError['kind'], number> = {
  not_found: 404, invalid: 400, conflict: 409, unprocessable: 422, unauthorized: 401, too_large: 413,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable_entity', 429: 'too_many_requests',
  500: 'internal_server_error', 503: 'service_unavailable',
};

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason: string = CODE_OF_STATUS[status] ?? 'error', readonly fields: Record<string, string[]> = {}) {
    super(message);
  }
}

interface AjvError { instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }

function fieldOf(e: AjvError): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = e.params?.missingProperty as string | undefined;
  const extra = e.params?.additionalProperty as string | undefined;
  const leaf = missing ?? extra;
  return [path, leaf].filter(Boolean).join('.') || '(root)';
}

function describe(e: AjvError): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'enum') return `must be one of ${(e.params?.allowedValues as unknown[]).map(String).join(', ')}`;
  return e.message ?? 'is invalid';
}

export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    const status = STATUS_OF_KIND[error.kind];
    return { status, code: CODE_OF_STATUS[status], reason: error.reason, message: error.message, fields: error.fields };
  }
  if (error instanceof HttpError) {
    return { status: error.status, code: CODE_OF_STATUS[error.status] ?? 'error', reason: error.reason, message: error.message, fields: error.fields };
  }
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string; retryAfterSeconds?: number };
  if (e.validation) {
    const fields: Record<string, string[]> = {};
    for (const v of e.validation) (fields[fieldOf(v)] ??= []).push(describe(v));
    const message = Object.entries(fields).map(([f, m]) => `${f}: ${m.join(', ')}`).join('; ');
    return { status: 400, code: 'bad_request', reason: 'validation_failed', message: `${e.validationContext ?? 'request'} ${message}`.trim(), fields };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e instanceof SyntaxError && e.statusCode === 400) || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'bad_request', reason: 'invalid_json', message: `Malformed JSON body: ${e.message}`, fields: {} };
  }
  const unavailable = storageProblem(error);
  if (unavailable) return unavailable;
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status === 413) return { status, code: 'payload_too_large', reason: 'payload_too_large', message: 'Request body is larger than the limit', fields: {} };
  if (status === 429) return { status, code: 'too_many_requests', reason: 'rate_limited', message: e.message || 'Rate limit exceeded', fields: {}, retryAfterSeconds: e.retryAfterSeconds };
  if (status === 415) return { status, code: 'unsupported_media_type', reason: 'unsupported_media_type', message: e.message, fields: {} };
  if (status < 500) return { status, code: CODE_OF_STATUS[status] ?? 'error', reason: (e.code ?? 'error').toLowerCase(), message: e.message, fields: {} };
  return { status: 500, code: 'internal_server_error', reason: 'internal_error', message: 'Internal server error', fields: {} };
}

export const HTTP_REASON_PHRASE: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};
