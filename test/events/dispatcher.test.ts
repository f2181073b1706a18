import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import pino from 'pino';
import { startHarness, inbound, engineBanner, type Harness } from '../helpers/harness.ts';
import { juri } from '../helpers/jurichat.ts';
import { openStore } from '../../src/db/connect.ts';
import { initWorkspace, type InitResult } from '../../src/domain/workspaces.ts';
import { newId } from '../../src/domain/ids.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { WebhookFormat } from '../../src/events/webhook-formats.ts';
import { MODULES } from '../../src/modules/index.ts';
import { jurichatDialect } from '../../src/dialects/jurichat/index.ts';
import { hmacSha256Header, standardWebhooksHeaders, standardWebhooksKey } from '../../src/events/signing.ts';
import { BACKOFF_MS, MAX_ATTEMPTS, MAX_RETRY_AFTER_MS } from '../../src/events/retry-policy.ts';
import { DELIVERY_RETENTION_MS } from '../../src/events/outbox.ts';
import { startWorkers } from '../../src/workers.ts';
import { httpSender, SendTimeoutError, type SendWebhook } from '../../src/events/http-send.ts';
import type { ResolveAll } from '../../src/net/guarded-lookup.ts';
import {
  RESPONSE_BODY_LIMIT,
  Dispatcher,
  cancelPendingDeliveries,
  purgeExpiredDeliveries,
  retryDeliveryNow,
  type DispatcherOptions,
} from '../../src/events/dispatcher.ts';
import { CLAIM_LEASE_MS, CLAIM_RENEW_MS, INTERRUPTED_ATTEMPT_MESSAGE } from '../../src/events/delivery-claims.ts';

// A dialect of our own, signing like the real ones: a vendor HMAC header plus Standard Webhooks.
const testFormat: WebhookFormat = {
  dialect: 'test',
  wants: (event, subscription) => subscription.events.includes('*') || subscription.events.includes(event.type),
  body: (event) => JSON.stringify({ event: event.type, conversationId: event.conversationId, eventId: event.id, data: event.payload }),
  headers: ({ id, body, timestampSeconds }, subscription) => ({
    'x-test-signature': hmacSha256Header(subscription.secret, body),
    ...standardWebhooksHeaders(subscription.secret, id, timestampSeconds, body),
  }),
};
const withTestDialect = {
  ...MODULES,
  dialects: [...MODULES.dialects, { ...jurichatDialect, name: 'test', prefixes: [], routes: async () => {}, webhookFormat: testFormat }],
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: any;
}
interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/** A real HTTP receiver on 127.0.0.1; each subscription gets its own path and answer. */
class Receiver {
  private server: Server | null = null;
  private port = 0;
  readonly requests: Received[] = [];
  private readonly answers = new Map<string, (request: Received, nth: number) => Reply>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: any = null;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = null;
        }
        const received: Received = { path: req.url ?? '', headers: req.headers, body, json };
        this.requests.push(received);
        const answer = this.answers.get(received.path) ?? ((): Reply => ({ status: 200, body: 'ok' }));
        const nth = this.requests.filter((r) => r.path === received.path).length;
        const reply = answer(received, nth);
        const send = () => res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  /** A fresh path with its own answer (default: 200). */
  endpoint(answer?: (request: Received, nth: number) => Reply): { url: string; path: string } {
    const path = `/hook/${newId()}`;
    if (answer) this.answers.set(path, answer);
    return { url: `http://127.0.0.1:${this.port}${path}`, path };
  }

  at(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

let h: Harness;
const receiver = new Receiver();
const silent = pino({ level: 'silent' });

before(async () => {
  console.log(`dispatcher tests on ${engineBanner()}`);
  h = await startHarness({}, { modules: withTestDialect });
  await receiver.start();
});
after(async () => {
  await receiver.close();
  await h?.close();
});

/** A clock the test moves by hand; it starts at the real time so new deliveries are due at once. */
function testClock() {
  let now = Date.now();
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
}

function dispatcher(clock: { now: () => number }, options: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    db: h.store.db,
    engine: h.store.engine,
    webhookFormats: h.ctx.webhookFormats,
    config: h.config,
    logger: silent,
    now: clock.now,
    random: () => 0.5,
    transact: h.store.transact,
    ...options,
  });
}

interface Sub {
  id: string;
  secret: string;
  url: string;
  path: string;
  ws: InitResult;
}

/** A workspace of its own per test, so deliveries of other tests never interfere; closed down afterwards. */
async function workspace(t: TestContext): Promise<InitResult> {
  const ws = await initWorkspace(h.store.db, `ws ${t.name}`);
  t.after(async () => {
    await h.store.db.updateTable('webhook_subscriptions').set({ deleted_at: Date.now() }).where('workspace_id', '=', ws.workspaceId).execute();
    await h.store.db
      .updateTable('deliveries')
      .set({ status: 'CANCELLED' })
      .where('workspace_id', '=', ws.workspaceId)
      .where('status', 'in', ['PENDING', 'RETRYING'])
      .execute();
  });
  return ws;
}

async function subscribe(
  ws: InitResult,
  endpoint: { url: string; path: string },
  options: { headers?: Record<string, string>; events?: string[]; isActive?: boolean } = {},
): Promise<Sub> {
  const id = newId();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const now = Date.now();
  await h.store.db
    .insertInto('webhook_subscriptions')
    .values({
      workspace_id: ws.workspaceId,
      id,
      dialect: 'test',
      name: 'test hook',
      description: null,
      url: endpoint.url,
      secret,
      events: JSON.stringify(options.events ?? ['*']),
      is_active: options.isActive === false ? 0 : 1,
      headers: options.headers ? JSON.stringify(options.headers) : null,
      auth_type: null,
      authorization: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  return { id, secret, ...endpoint, ws };
}

async function deliveriesOf(sub: Sub) {
  return h.store.db
    .selectFrom('deliveries')
    .selectAll()
    .where('workspace_id', '=', sub.ws.workspaceId)
    .where('subscription_id', '=', sub.id)
    .orderBy('id')
    .execute();
}

async function deliveryById(sub: Sub, id: string) {
  return h.store.db.selectFrom('deliveries').selectAll().where('workspace_id', '=', sub.ws.workspaceId).where('id', '=', id).executeTakeFirstOrThrow();
}

async function attemptsOf(sub: Sub, deliveryId: string) {
  return h.store.db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('workspace_id', '=', sub.ws.workspaceId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}

/** Checks both signatures over the raw received bytes, independently of the signing helpers. */
function assertSigned(request: Received, secret: string): void {
  const vendor = `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(request.body).digest('hex')}`;
  assert.equal(request.headers['x-test-signature'], vendor);
  const id = request.headers['webhook-id'] as string;
  const timestamp = request.headers['webhook-timestamp'] as string;
  assert.match(timestamp, /^\d+$/);
  const signed = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestamp}.`).update(request.body).digest('base64');
  assert.equal(request.headers['webhook-signature'], `v1,${signed}`);
}

test('a delivery reaches the receiver with its exact body, signed over the raw bytes', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(ws, receiver.endpoint(), { headers: { 'X-Tenant': 'acme', 'Content-Type': 'text/plain' } });
  const ids = await inbound(h, { ws, name: 'Zoë Ñandú', text: 'Olá, tudo bem? 🎉 “aspas”' });
  const created = await deliveriesOf(sub);
  assert.deepEqual(
    created.map((d) => d.event_type),
    ['contact.created', 'conversation.created', 'message.created'],
  );
  assert.ok(created.every((d) => d.status === 'PENDING' && d.attempt_count === 0));

  const clock = testClock();
  const d = dispatcher(clock);
  // The message waits for the conversation's creation to be delivered first.
  assert.equal(await d.runOnce(), 2);
  assert.equal(await d.runOnce(), 1);
  assert.equal(await d.runOnce(), 0);

  const received = receiver.at(sub.path);
  assert.deepEqual(received.map((r) => r.json.event).sort(), ['contact.created', 'conversation.created', 'message.created']);
  assert.equal(received[received.length - 1].json.event, 'message.created');
  for (const request of received) {
    const delivery = created.find((c) => c.id === request.headers['webhook-id'])!;
    assert.ok(delivery, 'webhook-id is the delivery id');
    assert.ok(request.body.equals(Buffer.from(delivery.body, 'utf8')), 'the stored body, byte for byte');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.equal(request.headers['webhook-timestamp'], String(Math.floor(clock.now() / 1000)));
    assertSigned(request, sub.secret);
  }
  const message = received.find((r) => r.json.event === 'message.created')!;
  assert.equal(message.json.conversationId, ids.conversationId);
  assert.ok(message.body.toString('utf8').includes('Olá, tudo bem? 🎉 “aspas”'));

  for (const delivery of await deliveriesOf(sub)) {
    assert.equal(delivery.status, 'SUCCESS');
    assert.equal(delivery.attempt_count, 1);
    assert.equal(delivery.status_code, 200);
    assert.equal(delivery.response_body, 'ok');
    assert.equal(delivery.error_message, null);
    assert.equal(delivery.locked_until, null);
    assert.ok(delivery.duration_ms !== null && delivery.duration_ms >= 0);
    assert.equal(delivery.updated_at, clock.now());
    const attempts = await attemptsOf(sub, delivery.id);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].status_code, 200);
    assert.equal(attempts[0].attempted_at, clock.now());
  }
});

test('a receiver that fails twice gets the same id and identical bytes on the third attempt', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(
    ws,
    receiver.endpoint((request) => {
      const sameDelivery = receiver.at(request.path).filter((r) => r.headers['webhook-id'] === request.headers['webhook-id']).length;
      return sameDelivery <= 2 ? { status: 500, body: `boom ${sameDelivery}` } : { status: 204 };
    }),
  );
  await inbound(h, { ws });
  const [contact, conversation] = await deliveriesOf(sub);
  const clock = testClock();
  const start = clock.now();
  const d = dispatcher(clock);

  assert.equal(await d.runOnce(), 2);
  let row = await deliveryById(sub, conversation.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.attempt_count, 1);
  assert.equal(row.status_code, 500);
  assert.equal(row.response_body, 'boom 1');
  assert.equal(row.error_message, 'HTTP 500');
  assert.equal(row.locked_until, null);
  assert.equal(row.next_attempt_at, start + BACKOFF_MS[0]);

  // Not due yet: nothing is sent.
  clock.advance(BACKOFF_MS[0] - 1);
  assert.equal(await d.runOnce(), 0);
  clock.advance(1);
  assert.equal(await d.runOnce(), 2);
  row = await deliveryById(sub, conversation.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.attempt_count, 2);
  assert.equal(row.next_attempt_at, clock.now() + BACKOFF_MS[1]);

  clock.advance(BACKOFF_MS[1]);
  assert.equal(await d.runOnce(), 2);
  row = await deliveryById(sub, conversation.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 3);
  assert.equal(row.status_code, 204);
  assert.equal(row.error_message, null);

  for (const delivery of [contact, conversation]) {
    const sent = receiver.at(sub.path).filter((r) => r.headers['webhook-id'] === delivery.id);
    assert.equal(sent.length, 3);
    for (const request of sent) {
      assert.ok(request.body.equals(sent[0].body), 'every retry sends identical bytes');
      assert.ok(request.body.equals(Buffer.from(delivery.body, 'utf8')));
      assertSigned(request, sub.secret);
    }
    // Each attempt is signed at its own send time.
    assert.deepEqual(
      sent.map((r) => Number(r.headers['webhook-timestamp'])),
      [start, start + BACKOFF_MS[0], start + BACKOFF_MS[0] + BACKOFF_MS[1]].map((ms) => Math.floor(ms / 1000)),
    );
    const attempts = await attemptsOf(sub, delivery.id);
    assert.deepEqual(
      attempts.map((a) => a.status_code),
      [500, 500, 204],
    );
    assert.deepEqual(
      attempts.map((a) => a.response_body),
      ['boom 1', 'boom 2', ''],
    );
  }
});

test('Retry-After replaces the backoff, in seconds or as a date, capped at 6 h', async (t) => {
  const ws = await workspace(t);
  let replies: Reply[] = [];
  const sub = await subscribe(
    ws,
    receiver.endpoint((_request, nth) => replies[nth - 1]),
    { events: ['contact.created'] },
  );
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  const clock = testClock();
  const start = clock.now();
  replies = [
    { status: 503, headers: { 'retry-after': '120' } },
    { status: 429, headers: { 'retry-after': new Date(start + 120_000 + 3_600_000).toUTCString() } },
    { status: 503, headers: { 'retry-after': '86400' } },
    { status: 200 },
  ];
  const d = dispatcher(clock);

  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, delivery.id)).next_attempt_at, start + 120_000);

  clock.advance(120_000);
  assert.equal(await d.runOnce(), 1);
  // HTTP dates have whole seconds.
  const expected = Math.floor((start + 120_000 + 3_600_000) / 1000) * 1000;
  assert.equal((await deliveryById(sub, delivery.id)).next_attempt_at, expected);

  clock.set(expected);
  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, delivery.id)).next_attempt_at, expected + MAX_RETRY_AFTER_MS);

  clock.set(expected + MAX_RETRY_AFTER_MS);
  assert.equal(await d.runOnce(), 1);
  const row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 4);
  assert.deepEqual(
    (await attemptsOf(sub, delivery.id)).map((a) => a.status_code),
    [503, 429, 503, 200],
  );
});

test('a failing delivery holds back later ones of its conversation only, until it has FAILED', async (t) => {
  const ws = await workspace(t);
  let conversationA = '';
  let healed = false;
  const sub = await subscribe(
    ws,
    receiver.endpoint((request) => (!healed && request.json.conversationId === conversationA ? { status: 500 } : { status: 200 })),
  );
  const a = await inbound(h, { ws, phone: '5511900000001', text: 'first in A' });
  conversationA = a.conversationId;
  const b = await inbound(h, { ws, phone: '5511900000002', text: 'first in B' });
  const all = await deliveriesOf(sub);
  const ofA = all.filter((d) => d.conversation_id === a.conversationId);
  const ofB = all.filter((d) => d.conversation_id === b.conversationId);
  assert.equal(ofA.length, 2);
  assert.equal(ofB.length, 2);

  const clock = testClock();
  const d = dispatcher(clock);
  // Contacts (unordered) and the first delivery of each conversation.
  assert.equal(await d.runOnce(), 4);
  assert.equal((await deliveryById(sub, ofA[0].id)).status, 'RETRYING');
  // B moves on; A's message waits behind A's failing creation.
  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, ofB[1].id)).status, 'SUCCESS');
  assert.equal((await deliveryById(sub, ofA[1].id)).status, 'PENDING');
  assert.equal(receiver.at(sub.path).filter((r) => r.headers['webhook-id'] === ofA[1].id).length, 0);

  // A later message in B is not held back either, while A is still retrying.
  const b2 = await inbound(h, { ws, phone: '5511900000002', text: 'second in B' });
  assert.equal(b2.conversationId, b.conversationId);
  clock.set(Math.max(clock.now(), Date.now()));
  assert.equal(await d.runOnce(), 1);
  const laterInB = (await deliveriesOf(sub)).filter((r) => r.conversation_id === b.conversationId);
  assert.equal(laterInB.length, 3);
  assert.ok(laterInB.every((r) => r.status === 'SUCCESS'));
  assert.equal((await deliveryById(sub, ofA[1].id)).status, 'PENDING');

  // Retry A's first delivery through all 8 attempts; its message stays held the whole time.
  for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
    clock.advance(BACKOFF_MS[attempt - 2]);
    await d.runOnce();
    assert.equal((await deliveryById(sub, ofA[1].id)).status, 'PENDING', `held during attempt ${attempt}`);
  }
  const failed = await deliveryById(sub, ofA[0].id);
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.attempt_count, MAX_ATTEMPTS);
  assert.equal(failed.status_code, 500);
  assert.equal((await attemptsOf(sub, ofA[0].id)).length, MAX_ATTEMPTS);

  // Once FAILED, the next one of A proceeds (and fails in turn, the receiver is still broken for A).
  assert.equal(await d.runOnce(), 1);
  const next = await deliveryById(sub, ofA[1].id);
  assert.equal(next.status, 'RETRYING');
  assert.equal(next.attempt_count, 1);

  // Manual retry of the FAILED one: it is due again, and it holds back the later one again.
  healed = true;
  await retryDeliveryNow(h.store, ws.workspaceId, ofA[0].id, clock.now());
  const retried = await deliveryById(sub, ofA[0].id);
  assert.equal(retried.status, 'PENDING');
  assert.equal(retried.next_attempt_at, clock.now());
  clock.advance(BACKOFF_MS[0]);
  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, ofA[0].id)).status, 'SUCCESS');
  assert.equal((await deliveryById(sub, ofA[0].id)).attempt_count, MAX_ATTEMPTS + 1);
  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, ofA[1].id)).status, 'SUCCESS');

  // Order at the receiver: within each conversation, deliveries arrived in id order.
  for (const conversationId of [a.conversationId, b.conversationId]) {
    const firstSeen = new Set<string>();
    for (const r of receiver.at(sub.path)) {
      if (r.json.conversationId === conversationId) firstSeen.add(r.headers['webhook-id'] as string);
    }
    const ids = [...firstSeen];
    assert.deepEqual(ids, [...ids].sort());
  }
});

test('network errors, timeouts of the connection and refused targets are recorded as attempts', async (t) => {
  const ws = await workspace(t);
  // A port nothing listens on: connection refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const sub = await subscribe(ws, { url: `http://127.0.0.1:${deadPort}/hook`, path: '/none' }, { events: ['contact.created'] });
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  const clock = testClock();

  assert.equal(await dispatcher(clock).runOnce(), 1);
  let row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.status_code, null);
  assert.equal(row.response_body, null);
  assert.match(row.error_message!, /ECONNREFUSED|fetch failed/);

  // The same target with private webhooks forbidden is refused before any connection.
  clock.advance(BACKOFF_MS[0]);
  assert.equal(await dispatcher(clock, { config: { allowPrivateWebhooks: false } }).runOnce(), 1);
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.attempt_count, 2);
  assert.match(row.error_message!, /^refused: url must not point to a private/);

  // An injected sender that fails the way a request without an answer does.
  clock.advance(BACKOFF_MS[1]);
  const timingOut: SendWebhook = async () => {
    throw new SendTimeoutError('no answer');
  };
  assert.equal(await dispatcher(clock, { send: timingOut }).runOnce(), 1);
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.error_message, 'no answer within 10 s');

  const attempts = await attemptsOf(sub, delivery.id);
  assert.equal(attempts.length, 3);
  assert.equal(row.attempt_count, 3);
  assert.ok(attempts.every((a) => a.status_code === null && a.error_message !== null && a.duration_ms >= 0));
});

/** The receiver's endpoint under a host name only `resolve` knows; the system resolver has never heard of it. */
function namedEndpoint(host: string): { url: string; path: string } {
  const endpoint = receiver.endpoint();
  const url = new URL(endpoint.url);
  url.hostname = host;
  return { url: url.toString(), path: endpoint.path };
}

test('a host that resolves to a private address when connecting is refused, though it answered a public one before; nothing reaches the receiver', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(ws, namedEndpoint('rebind.example.test'), { events: ['contact.created'] });
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  let resolutions = 0;
  const rebinding: ResolveAll = async () => (++resolutions === 1 ? ['93.184.216.34'] : ['127.0.0.1']);
  // An earlier resolution (a check before sending) saw a public address.
  assert.deepEqual(await rebinding('rebind.example.test'), ['93.184.216.34']);

  const d = dispatcher(testClock(), { config: { allowPrivateWebhooks: false }, lookup: rebinding });
  assert.equal(await d.runOnce(), 1);
  const row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.status_code, null);
  assert.equal(row.error_message, 'refused: host rebind.example.test resolves to 127.0.0.1, a private, loopback or link-local address');
  assert.equal(receiver.at(sub.path).length, 0);
  assert.equal(resolutions, 2, 'the address checked is the one the connection would have used');
  assert.equal((await attemptsOf(sub, delivery.id))[0].error_message, row.error_message);
});

test('with private webhooks allowed, a host resolving to loopback is delivered to exactly the address resolved', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(ws, namedEndpoint('loopback.example.test'), { events: ['contact.created'] });
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  const d = dispatcher(testClock(), { lookup: async () => ['127.0.0.1'] });
  assert.equal(await d.runOnce(), 1);
  assert.equal((await deliveryById(sub, delivery.id)).status, 'SUCCESS');
  assert.equal(receiver.at(sub.path).length, 1);
  assert.equal(receiver.at(sub.path)[0].headers.host, new URL(sub.url).host);
});

test('response bodies are kept up to 4 KiB; redirects are not followed', async (t) => {
  const ws = await workspace(t);
  const big = 'é'.repeat(5000);
  const target = receiver.endpoint();
  const sub = await subscribe(
    ws,
    receiver.endpoint((_r, nth) => (nth === 1 ? { status: 502, body: big } : { status: 302, headers: { location: target.url }, body: '' })),
    { events: ['contact.created'] },
  );
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  const clock = testClock();
  const d = dispatcher(clock);

  await d.runOnce();
  let row = await deliveryById(sub, delivery.id);
  assert.ok(Buffer.byteLength(row.response_body!, 'utf8') <= RESPONSE_BODY_LIMIT);
  assert.equal(row.response_body, 'é'.repeat(RESPONSE_BODY_LIMIT / 2));
  assert.equal((await attemptsOf(sub, delivery.id))[0].response_body, row.response_body);

  clock.advance(BACKOFF_MS[0]);
  await d.runOnce();
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'RETRYING');
  assert.equal(row.status_code, 302);
  assert.match(row.error_message!, /redirects are not followed/);
  assert.equal(receiver.at(target.path).length, 0);
});

test('attempts recorded together keep each response exactly, quotes, braces and "NULL" included', async (t) => {
  const ws = await workspace(t);
  const bodies = ['{"a":[1,2]}', 'back\\slash "quoted", comma', 'NULL', 'line\nbreak\ttab é 😀', ''];
  const sub = await subscribe(
    ws,
    receiver.endpoint((_r, nth) => ({ status: 500, body: bodies[(nth - 1) % bodies.length] })),
    { events: ['contact.created'] },
  );
  for (let i = 0; i < bodies.length; i++) await inbound(h, { ws });
  const deliveries = await deliveriesOf(sub);
  assert.equal(deliveries.length, bodies.length);
  // One batch: every attempt is recorded in the same group.
  assert.equal(await dispatcher(testClock()).runOnce(), bodies.length);
  const recorded = await Promise.all(deliveries.map((d) => deliveryById(sub, d.id)));
  assert.deepEqual(recorded.map((r) => r.response_body).sort(), [...bodies].sort());
  for (const row of recorded) {
    assert.equal(row.status, 'RETRYING');
    assert.equal(row.status_code, 500);
    assert.equal(row.attempt_count, 1);
    assert.equal(row.locked_until, null);
    const [attempt] = await attemptsOf(sub, row.id);
    assert.equal(attempt.response_body, row.response_body);
    assert.equal(attempt.status_code, 500);
  }
});

test('a deleted subscription has its deliveries cancelled, unsent; a paused one keeps them waiting', async (t) => {
  const ws = await workspace(t);
  const deleted = await subscribe(ws, receiver.endpoint());
  const paused = await subscribe(ws, receiver.endpoint());
  await inbound(h, { ws });
  assert.equal((await deliveriesOf(deleted)).length, 3);
  assert.equal((await deliveriesOf(paused)).length, 3);
  const db = h.store.db;
  // Deleted behind the dispatcher's back (no cancellation) and paused.
  await db
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: Date.now() })
    .where('workspace_id', '=', ws.workspaceId)
    .where('id', '=', deleted.id)
    .execute();
  await db.updateTable('webhook_subscriptions').set({ is_active: 0 }).where('workspace_id', '=', ws.workspaceId).where('id', '=', paused.id).execute();

  const clock = testClock();
  const d = dispatcher(clock);
  assert.equal(await d.runOnce(), 0);
  assert.equal(await d.runOnce(), 0);
  assert.deepEqual(
    (await deliveriesOf(deleted)).map((r) => r.status),
    ['CANCELLED', 'CANCELLED', 'CANCELLED'],
  );
  assert.equal(receiver.at(deleted.path).length, 0);
  const waiting = await deliveriesOf(paused);
  assert.deepEqual(
    waiting.map((r) => r.status),
    ['PENDING', 'PENDING', 'PENDING'],
  );
  assert.ok(waiting.every((r) => r.locked_until === null && r.attempt_count === 0));
  assert.equal(receiver.at(paused.path).length, 0);
  for (const r of [...(await deliveriesOf(deleted)), ...waiting]) assert.equal((await attemptsOf(deleted, r.id)).length, 0);

  // Resumed: the paused deliveries go out, in order.
  await db.updateTable('webhook_subscriptions').set({ is_active: 1 }).where('workspace_id', '=', ws.workspaceId).where('id', '=', paused.id).execute();
  assert.equal(await d.runOnce(), 2);
  assert.equal(await d.runOnce(), 1);
  assert.deepEqual(
    (await deliveriesOf(paused)).map((r) => r.status),
    ['SUCCESS', 'SUCCESS', 'SUCCESS'],
  );
});

test('cancelPendingDeliveries cancels only the open deliveries of that subscription', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(
    ws,
    receiver.endpoint((r) => (r.json.event === 'contact.created' ? { status: 200 } : { status: 500 })),
  );
  const keep = await subscribe(ws, receiver.endpoint());
  await inbound(h, { ws });
  await dispatcher(testClock()).runOnce();
  // contact: SUCCESS, conversation.created: RETRYING, message.created: PENDING
  assert.deepEqual(
    (await deliveriesOf(sub)).map((r) => r.status),
    ['SUCCESS', 'RETRYING', 'PENDING'],
  );

  const cancelled = await h.store.db.transaction().execute((trx) => cancelPendingDeliveries(trx, ws.workspaceId, sub.id));
  assert.equal(cancelled, 2);
  assert.deepEqual(
    (await deliveriesOf(sub)).map((r) => r.status),
    ['SUCCESS', 'CANCELLED', 'CANCELLED'],
  );
  assert.ok((await deliveriesOf(keep)).every((r) => r.status !== 'CANCELLED'));
  // Another workspace cannot cancel them.
  assert.equal(await cancelPendingDeliveries(h.store.db, h.other.workspaceId, keep.id), 0);
});

test('retryDeliveryNow: FAILED or RETRYING go back to PENDING; others conflict; foreign ids are not found', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(
    ws,
    receiver.endpoint((r) => (r.json.event === 'contact.created' ? { status: 200 } : { status: 500 })),
  );
  await inbound(h, { ws });
  const clock = testClock();
  await dispatcher(clock).runOnce();
  const [success, retrying, pending] = await deliveriesOf(sub);

  const expectError = async (id: string, workspaceId: string, kind: string) => {
    await assert.rejects(retryDeliveryNow(h.store, workspaceId, id), (error: unknown) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.kind, kind);
      return true;
    });
  };
  await expectError(success.id, ws.workspaceId, 'conflict');
  await expectError(pending.id, ws.workspaceId, 'conflict');
  await expectError(retrying.id, h.other.workspaceId, 'not_found');
  await expectError(newId(), ws.workspaceId, 'not_found');

  await retryDeliveryNow(h.store, ws.workspaceId, retrying.id, clock.now() + 1);
  const row = await deliveryById(sub, retrying.id);
  assert.equal(row.status, 'PENDING');
  assert.equal(row.next_attempt_at, clock.now() + 1);
  assert.equal(row.attempt_count, 1);
  await h.store.db.updateTable('deliveries').set({ status: 'CANCELLED' }).where('workspace_id', '=', ws.workspaceId).where('id', '=', retrying.id).execute();
  await expectError(retrying.id, ws.workspaceId, 'conflict');
});

test('purgeExpiredDeliveries removes deliveries past their 90 days, with their attempts', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(ws, receiver.endpoint());
  await inbound(h, { ws });
  const clock = testClock();
  const d = dispatcher(clock);
  await d.runOnce();
  await d.runOnce();
  const rows = await deliveriesOf(sub);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.expires_at === r.created_at + DELIVERY_RETENTION_MS));
  const [old] = rows;
  await h.store.db
    .updateTable('deliveries')
    .set({ expires_at: clock.now() - 1 })
    .where('workspace_id', '=', ws.workspaceId)
    .where('id', '=', old.id)
    .execute();
  assert.equal((await attemptsOf(sub, old.id)).length, 1);

  assert.ok((await purgeExpiredDeliveries(h.store.db, clock.now())) >= 1);
  const left = await deliveriesOf(sub);
  assert.deepEqual(
    left.map((r) => r.id),
    rows.slice(1).map((r) => r.id),
  );
  assert.equal((await attemptsOf(sub, old.id)).length, 0);
  assert.equal((await attemptsOf(sub, rows[1].id)).length, 1);

  // 90 days on, everything of this workspace is gone.
  await purgeExpiredDeliveries(h.store.db, rows[2].expires_at + 1);
  assert.equal((await deliveriesOf(sub)).length, 0);
});

/** A send that starts, then waits until the test answers it. */
function gate() {
  let started!: () => void;
  const whenStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  let answer: (status: number) => void = () => {};
  const send: SendWebhook = () =>
    new Promise((resolve) => {
      answer = (status) => resolve({ status, body: 'ok', retryAfter: null });
      started();
    });
  return { send, started: whenStarted, answer: (status = 200) => answer(status) };
}

/**
 * A dispatcher on connections of its own claims what is due, starts sending, and dies: its
 * connections close before it can record anything, as with a kill -9. Its claims stay behind.
 */
async function dieMidSend(clock: { now: () => number }): Promise<void> {
  const doomed = openStore(h.url);
  let started!: () => void;
  const sending = new Promise<void>((resolve) => {
    started = resolve;
  });
  let cut!: (error: Error) => void;
  const died = new Promise<never>((_resolve, reject) => {
    cut = reject;
  });
  const send: SendWebhook = () => {
    started();
    return died;
  };
  const run = new Dispatcher({
    db: doomed.db,
    engine: doomed.engine,
    webhookFormats: h.ctx.webhookFormats,
    config: h.config,
    logger: silent,
    now: clock.now,
    send,
  }).runOnce();
  const claimed = await Promise.race([sending.then(() => true), run.then(() => false)]);
  await doomed.close();
  cut(new Error('socket hang up'));
  assert.ok(claimed, 'it had claimed something to send');
  assert.equal(await run, 0, 'nothing it sent was recorded');
}

/** A workspace whose one subscription has one delivery waiting (a new contact), and a clock to drive. */
async function oneContactDelivery(t: TestContext) {
  const ws = await workspace(t);
  const sub = await subscribe(ws, receiver.endpoint(), { events: ['contact.created'] });
  await inbound(h, { ws });
  const [delivery] = await deliveriesOf(sub);
  return { ws, sub, delivery, clock: testClock() };
}

test('a claim abandoned by a dispatcher that died mid-send is taken over after the short lease, and logged as an interrupted attempt', async (t) => {
  const { sub, delivery, clock } = await oneContactDelivery(t);
  const claimedAt = clock.now();
  await dieMidSend(clock);
  let row = await deliveryById(sub, delivery.id);
  assert.equal(row.claimed_at, claimedAt);
  assert.equal(row.locked_until, claimedAt + CLAIM_LEASE_MS);
  assert.equal(row.attempt_count, 0);

  const heir = dispatcher(clock);
  clock.advance(CLAIM_LEASE_MS);
  assert.equal(await heir.runOnce(), 0, 'not while the lease lasts');
  clock.advance(1);
  assert.equal(await heir.runOnce(), 1);
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 2, 'the interrupted attempt counts');
  assert.equal(row.claimed_at, null);
  assert.equal(row.interrupted_claims, null);
  assert.equal(row.locked_until, null);
  const attempts = await attemptsOf(sub, delivery.id);
  assert.deepEqual(
    attempts.map((a) => [a.attempted_at, a.status_code, a.error_message, a.duration_ms]),
    [
      [claimedAt, null, INTERRUPTED_ATTEMPT_MESSAGE, 0],
      [clock.now(), 200, null, attempts[1].duration_ms],
    ],
  );
  assert.equal(receiver.at(sub.path).length, 1);
});

test('dispatchers that die one after the other on the same delivery lose none of its interrupted attempts', async (t) => {
  const { sub, delivery, clock } = await oneContactDelivery(t);
  const first = clock.now();
  await dieMidSend(clock);
  clock.advance(CLAIM_LEASE_MS + 1);
  const second = clock.now();
  await dieMidSend(clock);
  // Counted at once; logged with the next outcome recorded.
  let row = await deliveryById(sub, delivery.id);
  assert.equal(row.attempt_count, 1);
  assert.equal(row.interrupted_claims, String(first));
  assert.equal(row.claimed_at, second);
  assert.equal((await attemptsOf(sub, delivery.id)).length, 0);

  clock.advance(CLAIM_LEASE_MS + 1);
  assert.equal(await dispatcher(clock).runOnce(), 1);
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 3);
  const attempts = await attemptsOf(sub, delivery.id);
  assert.deepEqual(
    attempts.map((a) => [a.attempted_at, a.status_code, a.error_message]),
    [
      [first, null, INTERRUPTED_ATTEMPT_MESSAGE],
      [second, null, INTERRUPTED_ATTEMPT_MESSAGE],
      [clock.now(), 200, null],
    ],
  );
});

test('a slow send keeps its claim past the lease by renewing it: no other dispatcher takes the delivery', async (t) => {
  const { sub, delivery, clock } = await oneContactDelivery(t);
  const start = clock.now();
  const slow = gate();
  const holder = dispatcher(clock, { send: slow.send });
  const running = holder.runOnce();
  await slow.started;

  const rival = dispatcher(clock);
  while (clock.now() - start <= CLAIM_LEASE_MS + CLAIM_RENEW_MS) {
    clock.advance(CLAIM_RENEW_MS);
    await holder.renewClaims();
    assert.equal((await deliveryById(sub, delivery.id)).locked_until, clock.now() + CLAIM_LEASE_MS);
    assert.equal(await rival.runOnce(), 0, `still held ${clock.now() - start} ms after the claim`);
  }
  slow.answer(200);
  assert.equal(await running, 1);
  let row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 1);
  assert.equal(row.locked_until, null);
  assert.equal((await attemptsOf(sub, delivery.id)).length, 1);
  assert.equal(receiver.at(sub.path).length, 0, 'the rival never sent it');

  // Recorded: a renewal has nothing left to extend.
  await holder.renewClaims();
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.locked_until, null);
});

test('a dispatcher whose lease ran out neither renews nor records the claim it lost', async (t) => {
  const { sub, delivery, clock } = await oneContactDelivery(t);
  const holderSend = gate();
  const holder = dispatcher(clock, { send: holderSend.send });
  const held = holder.runOnce();
  await holderSend.started;
  const holderClaim = clock.now();

  // The holder stalls past its lease without renewing; a rival takes over.
  clock.advance(CLAIM_LEASE_MS + 1);
  const rivalSend = gate();
  const taken = dispatcher(clock, { send: rivalSend.send }).runOnce();
  await rivalSend.started;
  const rivalClaim = clock.now();

  clock.advance(CLAIM_RENEW_MS);
  await holder.renewClaims();
  let row = await deliveryById(sub, delivery.id);
  assert.equal(row.claimed_at, rivalClaim);
  assert.equal(row.locked_until, rivalClaim + CLAIM_LEASE_MS, "the rival's lease is not extended by the holder");
  assert.equal(row.interrupted_claims, String(holderClaim));
  assert.equal(row.attempt_count, 1);

  holderSend.answer(500);
  await held;
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'PENDING', 'the lost claim recorded nothing');
  assert.equal(row.claimed_at, rivalClaim);
  assert.equal((await attemptsOf(sub, delivery.id)).length, 0);

  rivalSend.answer(200);
  assert.equal(await taken, 1);
  row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'SUCCESS');
  assert.equal(row.attempt_count, 2);
  assert.deepEqual(
    (await attemptsOf(sub, delivery.id)).map((a) => [a.attempted_at, a.status_code]),
    [
      [holderClaim, null],
      [rivalClaim, 200],
    ],
  );
});

test('interrupted attempts count toward the limit: a delivery whose sends keep dying fails without another send', async (t) => {
  const { ws, sub, delivery, clock } = await oneContactDelivery(t);
  // As if seven attempts had failed already.
  await h.store.db
    .updateTable('deliveries')
    .set({ status: 'RETRYING', attempt_count: MAX_ATTEMPTS - 1 })
    .where('workspace_id', '=', ws.workspaceId)
    .where('id', '=', delivery.id)
    .execute();
  const claimedAt = clock.now();
  await dieMidSend(clock);
  clock.advance(CLAIM_LEASE_MS + 1);
  assert.equal(await dispatcher(clock).runOnce(), 0);
  const row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'FAILED');
  assert.equal(row.attempt_count, MAX_ATTEMPTS);
  assert.equal(row.status_code, null);
  assert.equal(row.error_message, INTERRUPTED_ATTEMPT_MESSAGE);
  assert.equal(row.claimed_at, null);
  assert.deepEqual(
    (await attemptsOf(sub, delivery.id)).map((a) => [a.attempted_at, a.error_message]),
    [[claimedAt, INTERRUPTED_ATTEMPT_MESSAGE]],
  );
  assert.equal(receiver.at(sub.path).length, 0);
});

test('a deleted subscription whose delivery was abandoned mid-send: the dispatcher cancels it and logs the interrupted attempt', async (t) => {
  const { ws, sub, delivery, clock } = await oneContactDelivery(t);
  const claimedAt = clock.now();
  await dieMidSend(clock);
  const deleted = await h.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_subscriptions')
      .set({ deleted_at: clock.now(), is_active: 0 })
      .where('workspace_id', '=', ws.workspaceId)
      .where('id', '=', sub.id)
      .execute();
    return cancelPendingDeliveries(trx, ws.workspaceId, sub.id, clock.now());
  });
  assert.equal(deleted, 0, 'left to the dispatcher, which logs the claim');
  clock.advance(CLAIM_LEASE_MS + 1);
  assert.equal(await dispatcher(clock).runOnce(), 0);
  const row = await deliveryById(sub, delivery.id);
  assert.equal(row.status, 'CANCELLED');
  assert.equal(row.attempt_count, 1);
  assert.equal(row.claimed_at, null);
  assert.deepEqual(
    (await attemptsOf(sub, delivery.id)).map((a) => [a.attempted_at, a.error_message]),
    [[claimedAt, INTERRUPTED_ATTEMPT_MESSAGE]],
  );
  assert.equal(receiver.at(sub.path).length, 0);
});

test("JuriChat's delivery log counts interrupted attempts in attemptCount", async (t) => {
  const ws = await workspace(t);
  const created = await juri(h, 'POST', '/webhooks', { key: ws.apiKey, body: { name: 'log', url: receiver.endpoint().url, events: ['contact.created'] } });
  assert.equal(created.status, 200, created.body);
  await inbound(h, { ws });
  const clock = testClock();
  await dieMidSend(clock);
  let log = await juri(h, 'GET', `/webhooks/${created.json.id}/deliveries`, { key: ws.apiKey });
  assert.equal(log.status, 200, log.body);
  assert.equal(log.json.data[0].attemptCount, 0, 'counted once taken over');
  clock.advance(CLAIM_LEASE_MS + 1);
  assert.equal(await dispatcher(clock).runOnce(), 1);
  log = await juri(h, 'GET', `/webhooks/${created.json.id}/deliveries`, { key: ws.apiKey });
  assert.equal(log.json.total, 1);
  assert.equal(log.json.data[0].attemptCount, 2);
  assert.equal(log.json.data[0].statusCode, 200);
  assert.equal(log.json.data[0].errorMessage, null);
});

test('start() keeps sending until stop(), and stop() waits for the send in flight', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(
    ws,
    receiver.endpoint(() => ({ status: 200, delayMs: 150 })),
  );
  await inbound(h, { ws });
  const d = dispatcher({ now: Date.now }, { pollIntervalMs: 20 });
  d.start();
  d.start();
  for (let i = 0; i < 200 && receiver.at(sub.path).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(receiver.at(sub.path).length, 3);
  await d.stop();
  // Every send that started has been recorded by the time stop() resolves.
  assert.deepEqual(
    (await deliveriesOf(sub)).map((r) => r.status),
    ['SUCCESS', 'SUCCESS', 'SUCCESS'],
  );
  await d.stop();
});

test('two dispatchers on separate connections deliver each delivery exactly once', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(
    ws,
    receiver.endpoint(() => ({ status: 200, delayMs: 5 })),
  );
  const conversations = 12;
  const phone = (i: number) => `55119100000${String(i).padStart(2, '0')}`;
  for (let i = 0; i < conversations; i++) await inbound(h, { ws, phone: phone(i), text: `hello ${i}` });
  for (let i = 0; i < conversations; i++) await inbound(h, { ws, phone: phone(i), text: `again ${i}` });
  const expected = await deliveriesOf(sub);
  assert.equal(expected.length, conversations * 4);

  // A second store is a second pool: on PostgreSQL, separate connections like a second process.
  // On SQLite, one thread cannot wait for its own other connection's write transaction (the busy
  // wait blocks the event loop the commit needs), so there the second dispatcher shares the store.
  const second = h.store.engine === 'postgres' ? openStore(h.url) : h.store;
  if (second !== h.store) t.after(() => second.close());
  const clock = { now: Date.now };
  const sentBy = [0, 0];
  const send = httpSender({ allowPrivate: true });
  const countingSend =
    (n: number): SendWebhook =>
    (request) => {
      sentBy[n]++;
      return send(request);
    };
  const first = dispatcher(clock, { batchSize: 4, pollIntervalMs: 10, send: countingSend(0) });
  const other = new Dispatcher({
    db: second.db,
    engine: second.engine,
    webhookFormats: h.ctx.webhookFormats,
    config: h.config,
    logger: silent,
    now: clock.now,
    transact: second.transact,
    batchSize: 4,
    pollIntervalMs: 10,
    send: countingSend(1),
  });
  first.start();
  other.start();
  const done = async () => (await deliveriesOf(sub)).every((r) => r.status === 'SUCCESS');
  for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
  await Promise.all([first.stop(), other.stop()]);

  assert.ok(await done(), 'all delivered');
  const counts = new Map<string, number>();
  for (const r of receiver.at(sub.path)) counts.set(r.headers['webhook-id'] as string, (counts.get(r.headers['webhook-id'] as string) ?? 0) + 1);
  assert.equal(counts.size, expected.length);
  for (const delivery of expected) assert.equal(counts.get(delivery.id), 1, `delivery ${delivery.id} sent once`);
  const attempts = await h.store.db.selectFrom('delivery_attempts').select('delivery_id').where('workspace_id', '=', ws.workspaceId).execute();
  assert.equal(attempts.length, expected.length);
  assert.equal(sentBy[0] + sentBy[1], expected.length);
  t.diagnostic(`sent by the two dispatchers: ${sentBy.join(' + ')}`);
  assert.ok(sentBy[0] > 0 && sentBy[1] > 0, 'both dispatchers took part');

  // Within each conversation, the receiver saw the deliveries in id order.
  const byConversation = new Map<string, string[]>();
  for (const r of receiver.at(sub.path)) {
    if (!r.json.conversationId) continue;
    byConversation.set(r.json.conversationId, [...(byConversation.get(r.json.conversationId) ?? []), r.headers['webhook-id'] as string]);
  }
  assert.equal(byConversation.size, conversations);
  for (const ids of byConversation.values()) assert.deepEqual(ids, [...ids].sort());
});

test('startWorkers runs the dispatcher when runWorkers is on, and does nothing when it is off', async (t) => {
  const ws = await workspace(t);
  const sub = await subscribe(ws, receiver.endpoint());
  await inbound(h, { ws });

  const off = startWorkers(h.ctx, h.config, h.app.log);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(receiver.at(sub.path).length, 0);
  await off.stop();

  const workers = startWorkers(h.ctx, { ...h.config, runWorkers: true }, h.app.log);
  for (let i = 0; i < 200 && receiver.at(sub.path).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  await workers.stop();
  assert.equal(receiver.at(sub.path).length, 3);
  assert.deepEqual(
    (await deliveriesOf(sub)).map((r) => r.status),
    ['SUCCESS', 'SUCCESS', 'SUCCESS'],
  );
});
