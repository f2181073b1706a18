import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  /** Arrival time minus the event's `timestamp` (its commit, give or take the transaction), ms. */
  lagMs: number;
  arrivedAt: number;
  event: string;
}

/**
 * D1's webhook receiver: answers 200 at once and records, per delivery id (X-JuriChat-Delivery),
 * when it first arrived, how late, and how many times (a retry of a delivered one is a duplicate).
 */
export class WebhookReceiver {
  readonly deliveries = new Map<string, Arrival>();
  repeats = 0;
  unreadable = 0;
  private server: Server | null = null;
  private waiters: { count: number; resolve(): void }[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const arrivedAt = Date.now();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        const id = req.headers['x-jurichat-delivery'];
        let body: { event?: string; timestamp?: string } | null = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = null;
        }
        if (typeof id !== 'string' || !body?.timestamp) {
          this.unreadable++;
          return;
        }
        if (this.deliveries.has(id)) {
          this.repeats++;
          return;
        }
        this.deliveries.set(id, { lagMs: arrivedAt - Date.parse(body.timestamp), arrivedAt, event: body.event ?? '?' });
        this.notify();
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hook`;
  }

  private notify(): void {
    const count = this.deliveries.size;
    this.waiters = this.waiters.filter((w) => {
      if (count < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves true once `count` distinct deliveries arrived, false after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<boolean> {
    if (this.deliveries.size >= count) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
