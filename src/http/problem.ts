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
  not_found: 404,
  invalid: 400,
  conflict: 409,
  unprocessable: 422,
  unauthorized: 401,
  too_large: 413,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string = CODE_OF_STATUS[status] ?? 'error',
    readonly fields: Record<string, string[]> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Errors Fastify raises before a route runs, in words a client can act on; `path` is the offending URL part. */
const FRAMEWORK_ERRORS: Record<string, (e: FastifyError) => Omit<Problem, 'fields'>> = {
  FST_ERR_BAD_URL: (e) => ({
    status: 400,
    code: 'bad_request',
    reason: 'invalid_url',
    message: `The URL is not valid: ${quotedPath(e)} is not valid percent-encoding`,
  }),
  FST_ERR_MAX_PARAM_LENGTH: () => ({
    status: 414,
    code: 'uri_too_long',
    reason: 'path_parameter_too_long',
    message: `A path parameter is longer than ${MAX_PATH_PARAMETER} characters`,
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => ({
    status: 415,
    code: 'unsupported_media_type',
    reason: 'unsupported_media_type',
    message: 'Unsupported Content-Type: send application/json',
  }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({
    status: 400,
    code: 'bad_request',
    reason: 'invalid_content_length',
    message: 'Content-Length does not match the body',
  }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => ({ status: 413, code: 'payload_too_large', reason: 'payload_too_large', message: 'Request body is larger than the limit' }),
};

/** The longest path parameter the router takes (Fastify's default, 100, cut stored file names in media URLs). */
export const MAX_PATH_PARAMETER = 1024;

function quotedPath(e: FastifyError): string {
  const match = /^'(.*)' is not a valid url component$/.exec(e.message);
  return match ? `"${match[1].slice(0, 200)}"` : 'a part of the path';
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword: string;
}

/** The offending field as a dotted path; the part of the request itself (`body`, `querystring`) when the whole of it is wrong. */
function fieldOf(e: AjvError, context: string): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = e.params?.missingProperty as string | undefined;
  const extra = e.params?.additionalProperty as string | undefined;
  const leaf = missing ?? extra;
  return [path, leaf].filter(Boolean).join('.') || context;
}

// Zod's words for the commonest failures, as JuriChat's validator answers ("inboxId: Required"); every surface says them alike.
const ZOD_WORDS: Record<string, string> = { 'is required': 'Required', 'is not a known field': 'Unrecognized key' };

/** `field: what is wrong` for each offending field, in JuriChat's words: the one wording of every surface's message. */
export function describeFields(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .map(([field, messages]) =>
      messages
        .map((m) => (m.startsWith(`${field}:`) || m.startsWith(`${field} `) ? m : `${field}: ${Object.hasOwn(ZOD_WORDS, m) ? ZOD_WORDS[m] : m}`))
        .join('; '),
    )
    .join('; ');
}

function describe(e: AjvError): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'enum') return `must be one of ${((e.params?.allowedValues ?? []) as unknown[]).map(String).join(', ')}`;
  return e.message ?? 'is invalid';
}

export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    const status = STATUS_OF_KIND[error.kind];
    return { status, code: CODE_OF_STATUS[status], reason: error.reason, message: error.message, fields: error.fields };
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      code: CODE_OF_STATUS[error.status] ?? 'error',
      reason: error.reason,
      message: error.message,
      fields: error.fields,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string; retryAfterSeconds?: number };
  if (e.validation) {
    // Field names come from the client (`constructor`, `toString`): a plain object would answer them from its prototype.
    const fields: Record<string, string[]> = Object.create(null);
    for (const v of e.validation) {
      const field = fieldOf(v, e.validationContext ?? 'request');
      if (!Object.hasOwn(fields, field)) fields[field] = [];
      fields[field].push(describe(v));
    }
    return { status: 400, code: 'bad_request', reason: 'validation_failed', message: describeFields(fields), fields };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e instanceof SyntaxError && e.statusCode === 400) || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, code: 'bad_request', reason: 'invalid_json', message: `Malformed JSON body: ${e.message}`, fields: {} };
  }
  const framework = typeof e.code === 'string' && Object.hasOwn(FRAMEWORK_ERRORS, e.code) ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (framework) return { ...framework(e), fields: {} };
  const unavailable = storageProblem(error);
  if (unavailable) return unavailable;
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status === 413) return { status, code: 'payload_too_large', reason: 'payload_too_large', message: 'Request body is larger than the limit', fields: {} };
  if (status === 429)
    return {
      status,
      code: 'too_many_requests',
      reason: 'rate_limited',
      message: e.message || 'Rate limit exceeded',
      fields: {},
      retryAfterSeconds: e.retryAfterSeconds,
    };
  if (status === 415) return { status, code: 'unsupported_media_type', reason: 'unsupported_media_type', message: e.message, fields: {} };
  if (status < 500) return { status, code: CODE_OF_STATUS[status] ?? 'error', reason: (e.code ?? 'error').toLowerCase(), message: e.message, fields: {} };
  return { status: 500, code: 'internal_server_error', reason: 'internal_error', message: 'Internal server error', fields: {} };
}

export const HTTP_REASON_PHRASE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
