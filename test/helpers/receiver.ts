import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher } from '../../src/events/dispatcher.ts';
import type { Harness } from './harness.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: any;
}

/** A real local webhook receiver: records every request; answers from `plan` (status codes) in turn, then 200. */
export async function startReceiver(plan: number[] = []): Promise<{ url: string; received: Received[]; plan: number[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const queue = [...plan];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      received.push({ headers: req.headers, body, text, json });
      const status = queue.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, plan: queue, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A dispatcher on the harness's database with a hand-driven clock. */
export function testDispatcher(h: Harness, clock: { now: number }) {
  const silent = { debug() {}, warn() {}, error() {} };
  return new Dispatcher({
    db: h.store.db,
    engine: h.store.engine,
    webhookFormats: h.ctx.webhookFormats,
    config: { allowPrivateWebhooks: true },
    logger: silent,
    now: () => clock.now,
    random: () => 0.5,
  });
}

/** Runs the dispatcher until nothing is due at the clock's current time. */
export async function drain(dispatcher: Dispatcher): Promise<void> {
  for (let i = 0; i < 50 && (await dispatcher.runOnce()) > 0; i++);
}

/**
 * Sends what is due now and returns the JSON bodies the receiver got since the previous call: a
 * reader of one receiver's deliveries, for tests that look at each event's body in turn.
 */
export function deliveryReader(receiver: { received: Received[] }, dispatcher: Dispatcher, clock: { now: number }) {
  let seen = 0;
  return async (): Promise<any[]> => {
    clock.now = Math.max(clock.now, Date.now());
    await drain(dispatcher);
    const bodies = receiver.received.slice(seen).map((r) => r.json);
    seen = receiver.received.length;
    return bodies;
  };
}
