import http from 'node:http';

export interface StreamArrival {
  /** Arrival time minus the event's `createdAt` (its time inside the committing transaction), ms. */
  lagMs: number;
  arrivedAt: number;
}

/**
 * D2's event stream reader: one `GET /api/v1/events/stream?types=message.created` held open for
 * the whole load. Records, per message whose `externalId` starts with the prefix it is told, when
 * its `message.created` event arrived and how late; counts ids seen twice.
 */
export class EventStreamReader {
  readonly arrivals = new Map<string, StreamArrival>();
  repeats = 0;
  frames = 0;
  private prefix: string | null = null;
  private request: http.ClientRequest | null = null;
  private buffer = '';
  private data: string | null = null;
  private live = false;
  private waiters: { count: number; resolve(): void }[] = [];

  /** Opens the stream and resolves once it is live (its catch-up over). */
  open(origin: string, apiKey: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const request = http.get(
        `${origin}/api/v1/events/stream?types=message.created`,
        { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' }, agent: false },
        (response) => {
          if (response.statusCode !== 200) {
            reject(new Error(`GET /api/v1/events/stream answered ${response.statusCode}`));
            response.resume();
            return;
          }
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            this.receive(chunk, Date.now());
            if (this.live) resolve();
          });
          response.on('end', () => reject(new Error('the event stream ended before it was live')));
        },
      );
      request.on('error', reject);
      this.request = request;
    });
  }

  /** Counts only messages whose externalId starts with this from now on (W1's, not the warm-up's). */
  follow(externalIdPrefix: string): void {
    this.prefix = externalIdPrefix;
  }

  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.arrivals.size >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { count, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs).unref();
    });
  }

  close(): void {
    this.request?.destroy();
  }

  private receive(chunk: string, arrivedAt: number): void {
    this.buffer += chunk;
    for (;;) {
      const newline = this.buffer.indexOf('\n');
      if (newline < 0) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line === '') {
        if (this.data !== null) this.event(this.data, arrivedAt);
        this.data = null;
      } else if (line === ': live') this.live = true;
      else if (line.startsWith('data: ')) this.data = line.slice(6);
    }
  }

  private event(data: string, arrivedAt: number): void {
    this.frames++;
    let event: { createdAt?: string; payload?: { message?: { id?: string; externalId?: string | null } } };
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    const message = event.payload?.message;
    if (!this.prefix || !message?.id || !message.externalId?.startsWith(this.prefix) || !event.createdAt) return;
    if (this.arrivals.has(message.id)) {
      this.repeats++;
      return;
    }
    this.arrivals.set(message.id, { arrivedAt, lagMs: arrivedAt - Date.parse(event.createdAt) });
    const ready = this.waiters.filter((w) => this.arrivals.size >= w.count);
    this.waiters = this.waiters.filter((w) => this.arrivals.size < w.count);
    for (const w of ready) w.resolve();
  }
}
