import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Harness } from './harness.ts';

/** One SSE frame: an event (`data` set) or a comment. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** The harness's app listening on loopback (app.inject cannot stream); the base URL. */
export async function listening(h: Harness): Promise<string> {
  const address = h.app.server.address() as AddressInfo | null;
  if (address) return `http://127.0.0.1:${address.port}`;
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}

/**
 * A Server-Sent Events reader over node:http that parses frames as they arrive. `open` resolves
 * once the answer's headers are in; a non-200 answer is read whole into `body`.
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  body = '';
  ended = false;
  private buffer = '';
  private frame: SseFrame = {};
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly request: http.ClientRequest,
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
  ) {}

  static open(base: string, path: string, options: { key?: string | null; headers?: Record<string, string> } = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...options.headers,
      };
      const request = http.get(`${base}${path}`, { headers, agent: false }, (response) => {
        const client = new SseClient(request, response.statusCode ?? 0, response.headers);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.receive(chunk));
        response.on('end', () => client.finish());
        response.on('close', () => client.finish());
        response.on('error', () => client.finish());
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  /** The event frames (with data), in arrival order. */
  get events(): (SseFrame & { data: string })[] {
    return this.frames.filter((f): f is SseFrame & { data: string } => f.data !== undefined);
  }

  comments(text: string): number {
    return this.frames.filter((f) => f.comment === text).length;
  }

  /** Resolves once `ready()` holds (checked at each frame), or fails after `timeoutMs`. */
  async until(ready: (client: SseClient) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (ready(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready(this) && !this.ended) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        if (ready(this)) resolve();
        else reject(new Error(`the stream ended before ${what}; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`not within ${timeoutMs} ms: ${what}; ${this.events.length} event(s) so far`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Until the catch-up is over (the `: live` comment). */
  live(): Promise<void> {
    return this.until((c) => c.comments('live') > 0, 'the stream is live');
  }

  /** Until the server ends the answer (a refusal's body is then whole). */
  async finished(timeoutMs = 10_000): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!this.ended) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`the answer did not end within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): void {
    this.request.destroy();
  }

  private receive(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.buffer += chunk;
    for (;;) {
      const newline = this.buffer.indexOf('\n');
      if (newline < 0) break;
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  private line(line: string): void {
    if (line === '') {
      if (Object.keys(this.frame).length > 0) this.frames.push(this.frame);
      this.frame = {};
      return;
    }
    if (line.startsWith(':')) {
      this.frames.push({ comment: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') this.frame.id = value;
    else if (field === 'event') this.frame.event = value;
    else if (field === 'data') this.frame.data = this.frame.data === undefined ? value : `${this.frame.data}\n${value}`;
  }

  private finish(): void {
    this.ended = true;
    for (const waiter of [...this.waiters]) waiter();
  }
}
