import type { RouteOptions } from 'fastify';
import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';
import { MAX_PATH_PARAMETER } from './problem.ts';

/**
 * How one surface's errors appear in the OpenAPI document: its error body, added with
 * `app.addSchema` so the document names it once (`components.schemas[$id]`) and every error
 * response refers to it, and the statuses it answers in place of others.
 */
export interface ErrorDocs<Body extends TSchema = TSchema> {
  /** Carries an `$id`: the name under `components.schemas`. */
  body: Body;
  /** The status this surface answers for a general one (Jelou: 400, 414 and 415 are 422s). */
  statusFor?(status: number): number;
  /** What a status means on this surface, where the general wording does not fit. */
  meanings?: Partial<Record<number, string>>;
}

const MEANING: Record<number, string> = {
  400: 'Refused input: a parameter or body field fails validation, the JSON is malformed, or the URL is not valid (broken percent-encoding, a NUL character)',
  401: 'Missing, unknown or revoked credentials',
  404: 'An id in the path, query or body names nothing in this workspace (an id of another workspace included)',
  409: 'The request conflicts with the current state of a resource (the summary says when)',
  413: 'The body is larger than 1 MiB of JSON, or an uploaded file is larger than the upload limit',
  414: `A path parameter is longer than ${MAX_PATH_PARAMETER} characters`,
  415: 'The body is in a content type this operation does not take, or has no Content-Type',
  422: 'The request cannot be processed as it stands',
  429: 'Too many requests: the API key spent its budget for the minute, or this address failed to authenticate too often; retry after Retry-After',
  503: 'The storage is full or short of resources and nothing was saved, or the connection to the database was lost; retry after Retry-After',
};

/** A read's 503: it saves nothing either way. */
const READ_UNAVAILABLE = 'The database is short of resources or the connection to it was lost; retry after Retry-After';

/** A URL the server refuses before routing it: the one client error of a route that takes no input. */
export const URL_NOT_VALID = 'The URL is not valid (broken percent-encoding, a NUL character)';

const RETRY_AFTER = { 'retry-after': { type: 'integer', minimum: 1, description: 'Seconds to wait before retrying' } };

/** A status, with the general wording of its surface, or with a description of what it means on this operation. */
export type ErrorCase = number | readonly [status: number, description: string];

/** Error responses for a route schema's `response`, each referring to the surface's error body. */
export function errorResponses<Body extends TSchema>(docs: ErrorDocs<Body>, cases: readonly ErrorCase[]): Record<number, TUnsafe<Static<Body>>> {
  const id = (docs.body as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('an error body needs an $id to be named in the OpenAPI document');
  const responses: Record<number, TUnsafe<Static<Body>>> = {};
  for (const c of cases) {
    const [given, description] = typeof c === 'number' ? [c, undefined] : c;
    const status = docs.statusFor?.(given) ?? given;
    if (responses[status] && description === undefined) continue;
    responses[status] = Type.Unsafe<Static<Body>>({
      $ref: id,
      description: description ?? docs.meanings?.[status] ?? MEANING[status] ?? 'Error',
      ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    });
  }
  return responses;
}

/** Adds error responses to a route's schema; the route's own declaration of a status wins. */
export function addErrorResponses(route: RouteOptions, docs: ErrorDocs, cases: readonly ErrorCase[]): void {
  const declared = (route.schema?.response ?? {}) as Record<string, unknown>;
  route.schema = { ...route.schema, response: { ...errorResponses(docs, cases), ...declared } };
}

const READS = ['GET', 'HEAD'];

/**
 * The client errors a route answers whatever it does, because of what runs before and around it:
 * the URL checks (400; over-long path parameters, 414), the body limit and the Content-Type check
 * where a body is taken (413, 415), authentication and its rate limits (401, 429), and a storage
 * that refuses a write or a database connection lost under a request (503). Routes declare only
 * what they decide themselves (404, 409, …).
 */
export function standardErrorStatuses(route: RouteOptions, options: { authenticated: boolean }): ErrorCase[] {
  const statuses: ErrorCase[] = [400];
  if (route.url.includes(':')) statuses.push(414);
  if (route.schema?.body) statuses.push(413, 415);
  if (options.authenticated) statuses.push(401, 429);
  statuses.push([route.method].flat().some((method) => !READS.includes(method)) ? 503 : [503, READ_UNAVAILABLE]);
  return statuses;
}

export function addStandardErrorResponses(route: RouteOptions, docs: ErrorDocs, options: { authenticated: boolean }): void {
  addErrorResponses(route, docs, standardErrorStatuses(route, options));
}

/**
 * `{"statusCode","error","message"}`: Fastify's own error shape, which the JuriChat-compatible API
 * answers with, and the shape of every route outside a dialect (`/healthz`, `/readyz`, `/media`).
 */
export const PlainErrorBody = Type.Object(
  { statusCode: Type.Integer(), error: Type.String(), message: Type.String() },
  { $id: 'PlainError', description: 'An error of the JuriChat-compatible API and of the routes outside any dialect (`/healthz`, `/readyz`, `/media`)' },
);

export const plainErrorDocs: ErrorDocs<typeof PlainErrorBody> = { body: PlainErrorBody };
