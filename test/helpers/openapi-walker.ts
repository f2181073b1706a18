/**
 * A small schema-driven fuzzer over /openapi.json, in the spirit of Schemathesis: for every
 * operation it builds a minimally valid request from the document, then derives a bounded,
 * deterministic set of malformed requests from it, one mutation at a time.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type JsonKind = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface JsonSchema {
  $ref?: string;
  type?: JsonKind | JsonKind[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
type SecurityRequirement = Record<string, string[]>;
interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  security?: SecurityRequirement[];
}
export interface OpenApiDocument {
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OperationObject>>>;
  security?: SecurityRequirement[];
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  /** `POST /api/v1/roles`: the name failures are reported under. */
  name: string;
  method: HttpMethod;
  /** The path template, `{param}` placeholders included. */
  path: string;
  pathParams: ParameterObject[];
  queryParams: ParameterObject[];
  /** Content type → schema of the request body; empty when the operation takes none. */
  bodies: Record<string, JsonSchema>;
  /** Names of the security schemes the operation accepts (first alternative first); empty: none. */
  security: string[];
}

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method.toLowerCase() as Lowercase<HttpMethod>];
      if (!op) continue;
      const params = op.parameters ?? [];
      const bodies: Record<string, JsonSchema> = {};
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) bodies[type] = deref(doc, media.schema ?? {});
      ops.push({
        name: `${method} ${path}`,
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        bodies,
        security: (op.security ?? doc.security ?? []).flatMap((requirement) => Object.keys(requirement)),
      });
    }
  }
  return ops;
}

/** Inlines `#/components/schemas/…` references (the generated document has none today, but may). */
function deref(doc: OpenApiDocument, schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 20) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return deref(doc, doc.components?.schemas?.[name] ?? {}, depth + 1);
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, deref(doc, v, depth + 1)]));
  if (schema.items) out.items = deref(doc, schema.items, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => deref(doc, s, depth + 1));
  return out;
}

/** The JSON kinds a schema accepts (`integer` implies a number-shaped value); every kind when unconstrained. */
export function acceptedKinds(schema: JsonSchema): Set<JsonKind> {
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return new Set(union.flatMap((s) => [...acceptedKinds(s)]));
  if (schema.enum || schema.const !== undefined) {
    return new Set((schema.enum ?? [schema.const]).map((v): JsonKind => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonKind))));
  }
  if (schema.type) return new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  if (schema.properties) return new Set(['object']);
  return new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
}

/** The branch of a union worth filling: the first that is not `null`. */
function mainBranch(schema: JsonSchema): JsonSchema {
  const union = schema.anyOf ?? schema.oneOf;
  if (!union) return schema;
  return mainBranch(union.find((s) => !acceptedKinds(s).has('null') || acceptedKinds(s).size > 1) ?? union[0]);
}

/** Real values for names the document cannot know: ids of existing rows, URLs that resolve, phone numbers. */
export type ValueSource = (name: string, schema: JsonSchema) => unknown;

/** A minimally valid value: required properties only (or enough for `minProperties`), smallest legal sizes. */
export function exampleOf(schema: JsonSchema, name: string, known: ValueSource): unknown {
  const s = mainBranch(schema);
  const real = known(name, s);
  if (real !== undefined) return real;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const kinds = acceptedKinds(s);
  if (kinds.has('object') || s.properties) {
    const props = s.properties ?? {};
    const keys = new Set(s.required ?? []);
    for (const key of Object.keys(props)) if (keys.size < (s.minProperties ?? 0)) keys.add(key);
    return Object.fromEntries([...keys].map((k) => [k, exampleOf(props[k] ?? {}, k, known)]));
  }
  if (kinds.has('array')) return Array.from({ length: Math.max(s.minItems ?? 0, 1) }, () => exampleOf(s.items ?? {}, name, known));
  if (kinds.has('integer') || kinds.has('number')) return Math.min(Math.max(s.minimum ?? 1, 1), s.maximum ?? Number.MAX_SAFE_INTEGER);
  if (kinds.has('boolean')) return false;
  if (kinds.has('string')) {
    if (s.format === 'email') return 'fuzz@example.com';
    if (s.format === 'uri') return 'https://example.com/fuzz';
    if (s.format === 'date-time') return '2099-01-01T12:00:00.000Z';
    if (s.pattern === ID_PATTERN) return UNKNOWN_ID;
    return 'fuzz'.padEnd(s.minLength ?? 0, 'z');
  }
  return null;
}

/** Conversas ids (spec README §3): string properties with this pattern get real or id-shaped values. */
export const ID_PATTERN = '^[cC][^\\s-]{8,}$';
/** A valid-shaped id (`c` + 26 Crockford base32 characters) that no workspace has; fixed, so runs repeat. */
export const UNKNOWN_ID = 'c0000000000000000000000fvzz';

/** One place in a body: the path of keys to it, and the schema declared there. */
interface Slot {
  path: string[];
  schema: JsonSchema;
}

/** Every declared property of every object present in `value`, depth first, and every such object. */
function slotsOf(schema: JsonSchema, value: unknown, path: string[] = []): { properties: Slot[]; objects: string[][] } {
  const out = { properties: [] as Slot[], objects: [] as string[][] };
  const s = mainBranch(schema);
  if (!isPlainObject(value) || !acceptedKinds(s).has('object')) return out;
  out.objects.push(path);
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    out.properties.push({ path: [...path, key], schema: child });
    const nested = slotsOf(child, value[key], [...path, key]);
    out.properties.push(...nested.properties);
    out.objects.push(...nested.objects);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `body` with `value` at `path` (intermediate objects created when missing). */
function withValue(body: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = isPlainObject(body) ? { ...body } : {};
  copy[path[0]] = withValue(copy[path[0]], path.slice(1), value);
  return copy;
}

/** JSON.stringify cannot write an own `__proto__` key, so extra keys go in under a placeholder. */
const PLACEHOLDER = '\u0000fuzz-extra-key\u0000';
function jsonWithExtraKey(body: unknown, path: string[], key: string, value: unknown): string {
  const target = path.reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), body);
  const placed = withValue(body, path, { ...(isPlainObject(target) ? target : {}), [PLACEHOLDER]: value });
  return JSON.stringify(placed).replace(JSON.stringify(PLACEHOLDER), JSON.stringify(key));
}

/** Own-property names of Object.prototype that a naive `obj[name] ??= …` stumbles on, and `__proto__`. */
export const BUILT_IN_KEYS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

export interface FuzzCase {
  operation: Operation;
  /** What was done, stable across operations so failures group by cause (`body key "constructor"`). */
  mutation: string;
  /** Where it was done: a property path, a parameter name. */
  target?: string;
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Set when the body's content type is one the operation does not declare: the answer must be 415. */
  undeclaredContentType?: string;
  /** Sent with the operation's own valid credentials (so a 401 is not the expected answer). */
  authenticated: boolean;
}

export interface CredentialVariant {
  mutation: string;
  headers: Record<string, string>;
  authenticated: boolean;
}

export interface WalkerContext {
  /** A real value for a path or query parameter (an id of a row that exists), or undefined. */
  param(op: Operation, name: string): string | undefined;
  /** A real value for a body property, or undefined to let the schema decide. */
  bodyValue(op: Operation, name: string, schema: JsonSchema): unknown;
  /** Properties merged into the minimal body so the handler gets past its business rules. */
  bodyHints(op: Operation): Record<string, unknown> | undefined;
  /** Credential headers for `who`, computed over the raw body (for signed routes). */
  credentials(op: Operation, who: 'own' | 'other' | 'none', raw: string | Buffer | undefined): Record<string, string>;
  /** Extra credential variants of an operation (malformed ones, other schemes), each with headers. */
  credentialVariants(op: Operation, raw: string | Buffer | undefined): CredentialVariant[];
}

const enc = encodeURIComponent;
const JSON_TYPE = 'application/json';
const MULTIPART = 'multipart/form-data';

function deepMerge(base: unknown, extra: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(extra)) return extra;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

/** Form fields of a body: scalars as text, anything else as JSON text. */
function formFields(body: unknown): [string, string][] {
  if (!isPlainObject(body)) return [];
  return Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

const BOUNDARY = '----conversas-fuzz-boundary';
function multipartBody(fields: [string, string][], file?: { field: string; name: string; type: string; content: string }): Buffer {
  const parts = fields.map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file)
    parts.push(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.content}\r\n`,
    );
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`);
}

const LONG_STRING = 'x'.repeat(10_000);
const LONG_ID = `c${'0'.repeat(9_999)}`;
const TWO_MIB_JSON = `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
const DEEP_JSON = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
/** A value of each JSON kind, for "wrong type" mutations. */
const VALUE_OF_KIND: Record<Exclude<JsonKind, 'integer'>, unknown> = {
  string: 'fuzz',
  number: 12345,
  boolean: true,
  object: { fuzz: 1 },
  array: ['fuzz'],
  null: null,
};

/** The minimal valid request of an operation: its path, query and body, before any mutation. */
export function baselineOf(op: Operation, ctx: WalkerContext) {
  const pathValues = Object.fromEntries(
    op.pathParams.map((p) => [p.name, ctx.param(op, p.name) ?? (exampleOf(p.schema ?? {}, p.name, () => undefined) as string)]),
  );
  const query: [string, string][] = op.queryParams
    .filter((p) => p.required)
    .map((p) => [p.name, ctx.param(op, p.name) ?? String(exampleOf(p.schema ?? {}, p.name, () => undefined))]);
  const bodyType = JSON_TYPE in op.bodies ? JSON_TYPE : Object.keys(op.bodies)[0];
  const schema = bodyType ? op.bodies[bodyType] : undefined;
  const body = schema
    ? deepMerge(
        exampleOf(schema, '(body)', (name, s) => ctx.bodyValue(op, name, s)),
        ctx.bodyHints(op) ?? {},
      )
    : undefined;
  return { pathValues, query, bodyType, schema, body };
}

function buildUrl(template: string, pathValues: Record<string, string>, query: [string, string][]): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => pathValues[name]);
  return query.length === 0 ? path : `${path}?${query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
}

/** The whole bounded set of requests for one operation; the unmodified valid request comes last. */
export function casesFor(op: Operation, ctx: WalkerContext): FuzzCase[] {
  const base = baselineOf(op, ctx);
  const cases: FuzzCase[] = [];
  const takesBody = op.method !== 'GET';
  const baseRaw = base.body !== undefined ? JSON.stringify(base.body) : undefined;
  const baseUrl = buildUrl(op.path, base.pathValues, base.query);

  /** A request with the operation's own credentials, computed over its final body. */
  const add = (c: {
    mutation: string;
    target?: string;
    url?: string;
    payload?: string | Buffer;
    contentType?: string | null;
    headers?: Record<string, string>;
    undeclaredContentType?: string;
  }) => {
    const payload = c.payload ?? baseRaw;
    const contentType = c.contentType === undefined ? (payload !== undefined ? JSON_TYPE : null) : c.contentType;
    cases.push({
      operation: op,
      mutation: c.mutation,
      target: c.target,
      method: op.method,
      url: c.url ?? baseUrl,
      headers: { ...ctx.credentials(op, 'own', payload), ...(contentType ? { 'content-type': contentType } : {}), ...c.headers },
      payload,
      undeclaredContentType: c.undeclaredContentType,
      authenticated: true,
    });
  };

  // Credentials: none, another workspace's, and whatever malformed variants the surface has.
  for (const who of ['none', 'other'] as const) {
    cases.push({
      operation: op,
      mutation: who === 'none' ? 'no credentials' : "another workspace's credentials",
      method: op.method,
      url: baseUrl,
      headers: { ...ctx.credentials(op, who, baseRaw), ...(baseRaw !== undefined ? { 'content-type': JSON_TYPE } : {}) },
      payload: baseRaw,
      authenticated: false,
    });
  }
  const variants = ctx.credentialVariants(op, baseRaw);
  const sendVariant = (v: CredentialVariant) =>
    cases.push({
      operation: op,
      mutation: v.mutation,
      method: op.method,
      url: baseUrl,
      headers: { ...v.headers, ...(baseRaw !== undefined ? { 'content-type': JSON_TYPE } : {}) },
      payload: baseRaw,
      authenticated: v.authenticated,
    });
  variants.filter((v) => !v.authenticated).forEach(sendVariant);

  // Path parameters: over the router's length limit, malformed percent-encoding, dot segments, unicode, unknown ids.
  const pathMutations: [string, string][] = [
    ['path parameter of 101 characters', `c${'0'.repeat(100)}`],
    ['path parameter of 1,000 characters', `c${'0'.repeat(999)}`],
    ['path parameter of 10,000 characters', LONG_ID],
    ['path parameter with malformed percent-encoding "%E0%A4%A"', '%E0%A4%A'],
    ['path parameter "%"', '%'],
    // URL parsing folds a `..` segment into its parent, as a browser or fetch would: this probes the route above.
    ['path parameter ".."', '..'],
    ['path parameter with a NUL byte', '%00'],
    ['path parameter in unicode', enc('çãõ漢字😀')],
    ['path parameter that is not an id', 'not-an-id'],
    ['path parameter: unknown valid-shaped id', UNKNOWN_ID],
  ];
  for (const p of op.pathParams) {
    for (const [mutation, value] of pathMutations)
      add({ mutation, target: p.name, url: buildUrl(op.path, { ...base.pathValues, [p.name]: value }, base.query) });
  }

  // Query parameters: each declared one with hostile values, and unknown keys named like built-ins.
  const queryMutations: [string, string | string[]][] = [
    ['1e308', '1e308'],
    ['-1', '-1'],
    ['abc', 'abc'],
    ["''", ''],
    ['a 5,000-character value', 'x'.repeat(5_000)],
    ['repeated (an array)', ['1', '2']],
    ['a NUL byte', 'fuzz\u0000'],
  ];
  for (const p of op.queryParams) {
    for (const [label, value] of queryMutations) {
      const others = base.query.filter(([k]) => k !== p.name);
      const values = Array.isArray(value) ? value : [value];
      add({
        mutation: `query parameter = ${label}`,
        target: p.name,
        url: buildUrl(op.path, base.pathValues, [...others, ...values.map((v): [string, string] => [p.name, v])]),
      });
    }
  }
  if (op.method === 'GET' || op.queryParams.length > 0) {
    for (const key of [...BUILT_IN_KEYS, 'surprise'])
      add({ mutation: `unknown query key "${key}"`, target: key, url: buildUrl(op.path, base.pathValues, [...base.query, [key, 'x']]) });
  }

  // Headers: an over-long Idempotency-Key on writes.
  if (op.method !== 'GET' && op.method !== 'DELETE') add({ mutation: 'Idempotency-Key of 10,000 characters', headers: { 'idempotency-key': LONG_STRING } });

  if (takesBody) {
    const shape = base.schema ?? {};
    const body = base.body ?? {};
    const raw = JSON.stringify(body);
    const slots = slotsOf(shape, body);

    // Extra keys, the built-in names first, at every object of the body.
    for (const path of slots.objects.length > 0 ? slots.objects : [[]]) {
      for (const key of [...BUILT_IN_KEYS, 'surprise']) {
        const value = key === '__proto__' ? { polluted: true } : 'x';
        add({ mutation: `body key "${key}"`, target: [...path, key].join('.'), payload: jsonWithExtraKey(body, path, key, value) });
      }
    }

    // Each declared property: wrong types, hostile numbers, over-long strings, huge arrays.
    for (const slot of slots.properties) {
      const target = slot.path.join('.');
      const kinds = acceptedKinds(slot.schema);
      for (const kind of Object.keys(VALUE_OF_KIND) as (keyof typeof VALUE_OF_KIND)[]) {
        if (kinds.has(kind) || (kind === 'number' && kinds.has('integer'))) continue;
        add({ mutation: `body property of the wrong type (${kind})`, target, payload: JSON.stringify(withValue(body, slot.path, VALUE_OF_KIND[kind])) });
      }
      const main = mainBranch(slot.schema);
      if (kinds.has('number') || kinds.has('integer')) {
        for (const n of [1e308, -1, -1e308, 0, 1.5]) add({ mutation: `body number ${n}`, target, payload: JSON.stringify(withValue(body, slot.path, n)) });
      }
      if (kinds.has('string')) {
        const long = main.pattern === ID_PATTERN ? LONG_ID : LONG_STRING;
        add({ mutation: 'body string of 10,000 characters', target, payload: JSON.stringify(withValue(body, slot.path, long)) });
        add({
          mutation: 'body string with a NUL character',
          target,
          payload: JSON.stringify(withValue(body, slot.path, main.pattern === ID_PATTERN ? 'c0000000000\u0000' : 'fuzz\u0000fuzz')),
        });
        if (main.enum) add({ mutation: 'body string outside its enum', target, payload: JSON.stringify(withValue(body, slot.path, 'not-in-enum')) });
        if (main.pattern || main.format)
          add({
            mutation: `body string that is not a valid ${main.format ?? 'id'}`,
            target,
            payload: JSON.stringify(withValue(body, slot.path, 'not valid: %00 ../')),
          });
      }
      if (kinds.has('array')) {
        const item = exampleOf(main.items ?? {}, slot.path.at(-1) ?? '', (name, s) => ctx.bodyValue(op, name, s));
        add({
          mutation: 'body array of 1,000 items',
          target,
          payload: JSON.stringify(
            withValue(
              body,
              slot.path,
              Array.from({ length: 1_000 }, () => item),
            ),
          ),
        });
      }
    }

    // Whole bodies that are not the object the route wants.
    const wholeBodies: [string, string][] = [
      ['invalid JSON', '{"fuzz": '],
      ['JSON null', 'null'],
      ['JSON array', '[]'],
      ['bare JSON string', '"fuzz"'],
      ['bare JSON number', '12'],
      ['empty body with Content-Type: application/json', ''],
      ['2 MiB JSON document', TWO_MIB_JSON],
      ['JSON nested 10,000 levels deep', DEEP_JSON],
    ];
    for (const [mutation, payload] of wholeBodies) add({ mutation, payload });

    // Content types: undeclared ones must be refused (415); a body without any content type.
    const declared = new Set(Object.keys(op.bodies));
    const undeclared = (type: string) => (declared.size > 0 && !declared.has(type) ? type : undefined);
    add({ mutation: 'Content-Type: text/plain', payload: raw, contentType: 'text/plain', undeclaredContentType: undeclared('text/plain') });
    add({
      mutation: 'Content-Type: application/x-www-form-urlencoded',
      payload: new URLSearchParams(formFields(body)).toString(),
      contentType: 'application/x-www-form-urlencoded',
      undeclaredContentType: undeclared('application/x-www-form-urlencoded'),
    });
    add({
      mutation: 'Content-Type: application/xml',
      payload: '<fuzz/>',
      contentType: 'application/xml',
      undeclaredContentType: undeclared('application/xml'),
    });
    add({
      mutation: 'Content-Type: multipart/form-data',
      payload: multipartBody(formFields(body)),
      contentType: `${MULTIPART}; boundary=${BOUNDARY}`,
      undeclaredContentType: undeclared(MULTIPART),
    });
    add({ mutation: 'a body without Content-Type', payload: raw, contentType: null });
    add({ mutation: 'malformed multipart body', payload: 'not multipart at all', contentType: `${MULTIPART}; boundary=${BOUNDARY}` });
    add({ mutation: 'multipart without a boundary', payload: multipartBody(formFields(body)), contentType: MULTIPART });
    if (declared.has(MULTIPART)) {
      for (const key of BUILT_IN_KEYS)
        add({
          mutation: `multipart field "${key}"`,
          target: key,
          payload: multipartBody([...formFields(body), [key, 'x']]),
          contentType: `${MULTIPART}; boundary=${BOUNDARY}`,
        });
      add({
        mutation: 'multipart with a file',
        payload: multipartBody(formFields(body), { field: 'file', name: 'fuzz.txt', type: 'text/plain', content: 'fuzz' }),
        contentType: `${MULTIPART}; boundary=${BOUNDARY}`,
      });
      add({
        mutation: 'multipart with a file under another field name',
        payload: multipartBody(formFields(body), { field: 'upload', name: 'fuzz.txt', type: 'text/plain', content: 'fuzz' }),
        contentType: `${MULTIPART}; boundary=${BOUNDARY}`,
      });
    }
  }

  // Valid alternative credentials change state like the valid request, so they go last with it.
  variants.filter((v) => v.authenticated).forEach(sendVariant);
  add({ mutation: 'the valid request' });
  return cases;
}

/** Which error shape a URL's surface answers with (spec README §6). */
export type Surface = 'native' | 'jelou' | 'jurichat';
export function surfaceOf(url: string): Surface {
  const path = new URL(url, 'http://localhost').pathname;
  // The WhatsApp channel's callback URL answers in the native shape.
  if (path === '/api/v1' || path.startsWith('/api/v1/') || path.startsWith('/webhooks/whatsapp/')) return 'native';
  if (/^\/(jelouapi|platform|v1\/external-support)(\/|$)/.test(path)) return 'jelou';
  return 'jurichat';
}

const JELOU_CODE_OF_STATUS: Record<number, string> = {
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_server_error',
};

const sameKeys = (value: Record<string, unknown>, keys: string[]) => Object.keys(value).sort().join(',') === [...keys].sort().join(',');

/** What is wrong with an error answer on its surface, or null when it is in shape. */
export function errorShapeProblem(surface: Surface, status: number, contentType: string | undefined, body: string): string | null {
  if (/\bTypeError\b|\bReferenceError\b|\bRangeError\b/.test(body)) return 'the body names a JavaScript error (TypeError/ReferenceError/RangeError)';
  if (/\bat (?:[\w$.<>]+ )?\(?(?:file:|node:|\/)[^)\s]*:\d+:\d+/.test(body) || /\.[cm]?[jt]s:\d+:\d+/.test(body)) return 'the body carries a stack trace';
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `not JSON (content-type ${contentType ?? 'none'})`;
  }
  if (!isPlainObject(json)) return 'the body is not a JSON object';
  const fst = /\bFST_[A-Z_]+/.exec(body)?.[0];
  if (surface === 'native') {
    if (fst && 'statusCode' in json) return `Fastify's default shape with ${fst} instead of the native shape`;
    if (fst) return `a Fastify code (${fst}) in the native body`;
    const e = json.error;
    if (!sameKeys(json, ['error']) || !isPlainObject(e)) return `not the native shape {"error":{…}} (keys: ${Object.keys(json).join(',')})`;
    if (!sameKeys(e, ['code', 'message', 'details'])) return `native error keys are ${Object.keys(e).join(',')}, not code,message,details`;
    if (typeof e.code !== 'string' || typeof e.message !== 'string' || !isPlainObject(e.details))
      return 'native error.code/message not strings or details not an object';
    return null;
  }
  if (surface === 'jelou') {
    if (fst && 'statusCode' in json) return `Fastify's default shape with ${fst} instead of Jelou's envelope`;
    if (fst) return `a Fastify code (${fst}) in the Jelou body`;
    if (!sameKeys(json, ['message', 'statusMessage', 'status', 'error', 'validationError']))
      return `not Jelou's envelope (keys: ${Object.keys(json).join(',')})`;
    const e = json.error;
    if (typeof json.message !== 'string' || json.statusMessage !== 'error' || json.status !== 0 || !isPlainObject(json.validationError))
      return "Jelou's envelope with wrong message/statusMessage/status/validationError";
    if (!isPlainObject(e) || typeof e.code !== 'string' || typeof e.key !== 'string' || typeof e.description !== 'string')
      return "Jelou's error without code/key/description strings";
    const expected = JELOU_CODE_OF_STATUS[status];
    if (expected && e.code !== expected) return `Jelou error.code ${e.code} on a ${status} (expected ${expected})`;
    if (!expected) return `HTTP ${status}, a status Jelou's envelope has no error.code for`;
    return null;
  }
  // Fastify's own errors add `code` to the same shape; JuriChat's surface is that shape, so it may stay.
  if (!sameKeys(json, ['statusCode', 'error', 'message']) && !sameKeys(json, ['statusCode', 'code', 'error', 'message']))
    return `not Fastify's {"statusCode","error","message"} (keys: ${Object.keys(json).join(',')})`;
  if (json.statusCode !== status) return `statusCode ${String(json.statusCode)} in the body differs from HTTP ${status}`;
  if (typeof json.error !== 'string' || typeof json.message !== 'string') return 'error/message not strings';
  return null;
}

export interface Outcome {
  fuzz: FuzzCase;
  status: number;
  contentType: string | undefined;
  body: string;
}

/** The first 200 characters of a body, with ids, paths and long runs folded, so equal causes group. */
export function digest(body: string): string {
  return body
    .replace(/c[0-9a-z]{26}/g, '<id>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/'\/[^']*'/g, "'<path>'")
    .replace(/(Route [A-Z]+:)\/\S*/g, '$1<path>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/(.)\1{19,}/g, '$1$1$1…')
    .slice(0, 200);
}

/** A request as one line a developer can replay: method, URL (shortened), content type and body start. */
export function describeRequest(c: FuzzCase): string {
  const url = c.url.length > 160 ? `${c.url.slice(0, 120)}…(${c.url.length} chars)` : c.url;
  const type = c.headers['content-type'] ? ` [${c.headers['content-type']}]` : '';
  const text = c.payload === undefined ? '' : Buffer.isBuffer(c.payload) ? c.payload.toString('utf8') : c.payload;
  const shown = (text.length > 300 ? `${text.slice(0, 240)}…(${text.length} bytes)` : text).replace(/(.)\1{19,}/g, '$1$1$1…').replace(/\r\n/g, '\\r\\n');
  return `${c.method} ${url}${type}${shown ? ` ${shown}` : ''}`;
}

export interface Finding {
  /** What went wrong, the grouping key (for a 5xx: the mutation itself). */
  cause: string;
  outcome: Outcome;
}

interface Group {
  causes: Set<string>;
  status: number;
  answers: Set<string>;
  items: Finding[];
}

/**
 * All findings in one message, grouped by cause and status: each group names the operations (and
 * where in them), the distinct answers, and one request to reproduce it. Causes that hit exactly
 * the same operations with the same answers (one bug reached several ways) are merged.
 */
export function report(title: string, findings: Finding[]): string {
  const byCause = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.cause}\n${f.outcome.status}`;
    const group = byCause.get(key) ?? { causes: new Set([f.cause]), status: f.outcome.status, answers: new Set<string>(), items: [] };
    group.answers.add(digest(f.outcome.body));
    group.items.push(f);
    byCause.set(key, group);
  }
  const merged = new Map<string, Group>();
  for (const g of byCause.values()) {
    const ops = [...new Set(g.items.map((f) => f.outcome.fuzz.operation.name))].sort().join(',');
    const key = `${g.status}\n${[...g.answers].sort().join('\n')}\n${ops}`;
    const into = merged.get(key);
    if (into) {
      for (const c of g.causes) into.causes.add(c);
      into.items.push(...g.items);
    } else merged.set(key, g);
  }
  const groups = [...merged.values()].sort((a, b) => b.items.length - a.items.length || [...a.causes][0].localeCompare([...b.causes][0]));
  const lines = [`${title}: ${findings.length} request(s) in ${groups.length} group(s)`];
  groups.forEach((g, i) => {
    const byOperation = new Map<string, Set<string>>();
    for (const f of g.items) {
      const details = byOperation.get(f.outcome.fuzz.operation.name) ?? new Set<string>();
      if (f.outcome.fuzz.target) details.add(f.outcome.fuzz.target);
      byOperation.set(f.outcome.fuzz.operation.name, details);
    }
    lines.push('', `[${i + 1}] ${[...g.causes].join(' | ')} → ${g.status} on ${byOperation.size} operation(s), ${g.items.length} request(s)`);
    const answers = [...g.answers];
    for (const [n, a] of answers.slice(0, 3).entries()) lines.push(`    ${n === 0 ? 'answer: ' : '        '} ${g.status} ${a}`);
    if (answers.length > 3) lines.push(`          … and ${answers.length - 3} other answer(s)`);
    const via = [...new Set(g.items.map((f) => f.outcome.fuzz.mutation))].filter((m) => !g.causes.has(m));
    if (via.length > 0) lines.push(`    via:     ${via.slice(0, 8).join('; ')}${via.length > 8 ? `; +${via.length - 8} more` : ''}`);
    lines.push(`    example: ${describeRequest(g.items[0].outcome.fuzz)}`);
    for (const [name, details] of byOperation) {
      const shown = [...details].slice(0, 8).join('; ') + (details.size > 8 ? `; +${details.size - 8} more` : '');
      lines.push(`    - ${name}${shown ? ` (${shown})` : ''}`);
    }
  });
  return lines.join('\n');
}
