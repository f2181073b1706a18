import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Meta's Graph API on loopback: records every request and answers the way the
 * vendor notes show Meta answering, or with scripted answers queued by `next()`. Every URL it
 * hands out points back at itself, so nothing under test ever reaches the internet.
 */

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  json: any | null;
  multipart?: { fields: Record<string, string>; file: { fileName: string; mimeType: string; bytes: Buffer } | null };
}

export interface FakeAnswer {
  status?: number;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Never answer. */
  hang?: boolean;
  /** Reset the connection after reading the request. */
  destroy?: boolean;
  delayMs?: number;
}

export interface FakeMatch {
  method?: string;
  /** Compared with the path without its query. */
  pathEndsWith?: string;
}

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
}

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  templates: unknown[] = [];
  /** When set, any other Bearer token gets Meta's 401 / code 190 (a revoked token). */
  acceptedToken: string | null = null;
  private readonly scripted: { match: FakeMatch; answer: FakeAnswer }[] = [];
  private readonly media = new Map<string, StoredMedia>();
  private readonly waiters = new Set<() => void>();
  private counter = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGraph> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeGraph(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request, response) => fake.receive(request, response));
    return fake;
  }

  close(): Promise<void> {
    // Hanging answers and keep-alive sockets would hold close() forever.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** JSON bodies of every POST …/messages, in order. */
  sent(): any[] {
    return this.requests.filter((r) => r.method === 'POST' && pathOf(r.path).endsWith('/messages')).map((r) => r.json);
  }

  next(match: FakeMatch, answer: FakeAnswer): void {
    this.scripted.push({ match, answer });
  }

  addMedia(mediaId: string, bytes: Buffer, mimeType: string): void {
    this.media.set(mediaId, { bytes, mimeType });
  }

  async waitForRequests(count: number, timeoutMs = 2000): Promise<void> {
    if (this.requests.length >= count) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.requests.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake Graph API: ${this.requests.length} request(s) within ${timeoutMs} ms, expected ${count}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = record(request, Buffer.concat(chunks));
      this.requests.push(recorded);
      for (const waiter of [...this.waiters]) waiter();
      const answer = this.takeScripted(recorded) ?? this.defaultAnswer(recorded);
      if (answer.hang) return;
      if (answer.destroy) return void request.socket.resetAndDestroy();
      const respond = () => reply(response, answer);
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  }

  private takeScripted(request: RecordedRequest): FakeAnswer | null {
    const index = this.scripted.findIndex(
      ({ match }) =>
        (!match.method || match.method.toUpperCase() === request.method) && (!match.pathEndsWith || pathOf(request.path).endsWith(match.pathEndsWith)),
    );
    if (index < 0) return null;
    return this.scripted.splice(index, 1)[0].answer;
  }

  private defaultAnswer(request: RecordedRequest): FakeAnswer {
    const auth = request.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
    if (!token || (this.acceptedToken !== null && token !== this.acceptedToken)) return invalidToken();
    const segments = pathOf(request.path).split('/').filter(Boolean);
    if (request.method === 'GET' && segments[0] === 'media-download' && segments.length === 2) return this.download(segments[1]);
    const [, object, edge, ...rest] = segments;
    if (rest.length > 0 || !object) return unsupported(request);
    if (request.method === 'POST' && edge === 'messages') return this.message(request);
    if (request.method === 'POST' && edge === 'media') return this.upload(request);
    if (request.method === 'GET' && edge === 'message_templates') return { json: { data: this.templates, paging: {} } };
    if (request.method === 'GET' && edge === undefined && this.media.has(object)) return this.mediaInfo(object);
    return unsupported(request);
  }

  private message(request: RecordedRequest): FakeAnswer {
    if (request.json?.status === 'read') return { json: { success: true } };
    const input = request.json?.to ?? request.json?.recipient ?? '';
    const contact = request.json?.to ? { input, wa_id: String(input).replace(/\D/g, '') } : { input };
    return { json: { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: `wamid.FAKE${++this.counter}` }] } };
  }

  private upload(request: RecordedRequest): FakeAnswer {
    const file = request.multipart?.file;
    if (!file) return metaError(400, 100, '(#100) The parameter file is required.');
    const id = String(1_000_000_000_000_000 + ++this.counter);
    this.media.set(id, { bytes: file.bytes, mimeType: file.mimeType });
    return { json: { id } };
  }

  private mediaInfo(mediaId: string): FakeAnswer {
    const { bytes, mimeType } = this.media.get(mediaId)!;
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    return {
      json: { messaging_product: 'whatsapp', url: `${this.url}/media-download/${mediaId}`, mime_type: mimeType, sha256, file_size: bytes.length, id: mediaId },
    };
  }

  private download(mediaId: string): FakeAnswer {
    const stored = this.media.get(mediaId);
    if (!stored) return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    return { body: stored.bytes, headers: { 'content-type': stored.mimeType } };
  }
}

function record(request: http.IncomingMessage, raw: Buffer): RecordedRequest {
  const type = request.headers['content-type'] ?? '';
  const recorded: RecordedRequest = { method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, raw, json: null };
  if (type.startsWith('application/json')) {
    try {
      recorded.json = JSON.parse(raw.toString('utf8'));
    } catch {
      recorded.json = null;
    }
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary) recorded.multipart = parseMultipart(raw, boundary[1] ?? boundary[2]);
  return recorded;
}

/** Enough of multipart/form-data to read what Meta's upload takes: text fields and one file. */
function parseMultipart(raw: Buffer, boundary: string): NonNullable<RecordedRequest['multipart']> {
  const fields: Record<string, string> = {};
  let file: { fileName: string; mimeType: string; bytes: Buffer } | null = null;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const partStart = start + delimiter.length;
    if (raw.subarray(partStart, partStart + 2).toString() === '--') break;
    const end = raw.indexOf(delimiter, partStart);
    if (end < 0) break;
    const part = raw.subarray(partStart + 2, end - 2); // without the CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? '';
    const fileName = /filename="([^"]*)"/.exec(head)?.[1];
    if (fileName !== undefined) file = { fileName, mimeType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '', bytes: Buffer.from(content) };
    else fields[name] = content.toString('utf8');
    start = end;
  }
  return { fields, file };
}

function reply(response: http.ServerResponse, answer: FakeAnswer): void {
  const json = answer.json !== undefined && answer.body === undefined;
  const body = json ? JSON.stringify(answer.json) : (answer.body ?? '');
  const headers = { ...(json ? { 'content-type': 'application/json' } : {}), ...answer.headers };
  response.writeHead(answer.status ?? 200, headers).end(body);
}

function pathOf(path: string): string {
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}

/** Meta's error body, as in the vendor notes §5.4. */
export function metaError(status: number, code: number, message: string, details?: string): FakeAnswer {
  const error: Record<string, unknown> = { message, type: 'OAuthException', code, fbtrace_id: 'AFakeTraceId' };
  if (details) error.error_data = { messaging_product: 'whatsapp', details };
  return { status, json: { error } };
}

function invalidToken(): FakeAnswer {
  return metaError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
}

function unsupported(request: RecordedRequest): FakeAnswer {
  const message = `Unsupported ${request.method.toLowerCase()} request. Object with ID '${pathOf(request.path)}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
  return { status: 404, json: { error: { message, type: 'GraphMethodException', code: 100, error_subcode: 33, fbtrace_id: 'AFakeTraceId' } } };
}
