import { performance } from 'node:perf_hooks';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, DeliveryAttemptTable, DeliveryTable } from '../db/schema.ts';
import type { Engine } from '../db/engine.ts';
import type { Config } from '../config.ts';
import { bool, subscriptionFromRow } from '../db/rows.ts';
import { newId } from '../domain/ids.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { webhookFormat, type Subscription } from './webhook-formats.ts';
import { afterFailedAttempt } from './retry-policy.ts';
import { WriteCoalescer, type Transact } from '../db/commit-groups.ts';
import { prepared } from '../db/prepared.ts';
import { webhookUrlProblem } from './webhook-url.ts';
import { decodeCut, httpSender, type SendWebhook } from './http-send.ts';
import { BlockedAddressError, type ResolveAll } from '../net/guarded-lookup.ts';

/** How long a receiver has to answer (spec README §4). */
export const SEND_TIMEOUT_MS = 10_000;
/** A claimed delivery is invisible to other dispatchers this long; far above the send timeout. */
export const CLAIM_LEASE_MS = 60_000;
/** Response bodies (and error messages) are kept up to 4 KiB. */
export const RESPONSE_BODY_LIMIT = 4096;
export const DEFAULT_BATCH_SIZE = 100;
export const IDLE_POLL_MS = 100;
const ERROR_PAUSE_MS = 2_000;
/** Batches being sent at once by one dispatcher. */
export const MAX_BATCHES_IN_FLIGHT = 4;

export type DeliveryStatus = 'PENDING' | 'RETRYING' | 'SUCCESS' | 'FAILED' | 'CANCELLED';
/** Deliveries still to be sent; they hold back later ones of the same (subscription, conversation). */
const OPEN: DeliveryStatus[] = ['PENDING', 'RETRYING'];

// Headers that describe the transport; a subscription's extra headers must not override them.
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'content-type', 'expect', 'upgrade']);

/** The part of a pino (or Fastify) logger the dispatcher uses. */
export interface DispatcherLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatcherOptions {
  db: Kysely<Database>;
  engine: Engine;
  config: Pick<Config, 'allowPrivateWebhooks'>;
  logger: DispatcherLogger;
  /** The clock for claims, leases and retry times (epoch ms); tests drive it by hand. */
  now?: () => number;
  /** How a delivery is POSTed; tests replace it (and with it the connection's address check). */
  send?: SendWebhook;
  /** How the default sender resolves host names; it connects to exactly the addresses it checked. */
  lookup?: ResolveAll;
  /** Jitter source, like Math.random. */
  random?: () => number;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Where attempts are recorded; the store's transact groups a batch's records into one commit on SQLite. */
  transact?: Transact;
}

type DeliveryRow = Selectable<DeliveryTable>;

interface AttemptOutcome {
  statusCode: number | null;
  responseBody: string | null;
  errorMessage: string | null;
  retryAfter: string | null;
}

type SubscriptionState =
  | { state: 'active'; subscription: Subscription }
  | { state: 'paused' }
  | { state: 'gone' };

/**
 * Sends due webhook deliveries from the outbox (spec README §4): claims a batch, POSTs each
 * stored body byte for byte with the dialect's signature headers, records every attempt and
 * schedules retries. Several dispatchers may share a PostgreSQL database; each delivery is
 * claimed by one of them at a time.
 */
export class Dispatcher {
  private readonly db: Kysely<Database>;
  private readonly engine: Engine;
  private readonly allowPrivate: boolean;
  private readonly logger: DispatcherLogger;
  private readonly now: () => number;
  private readonly send: SendWebhook;
  private readonly random: () => number;
  readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly transact: Transact;

  private readonly recorder: WriteCoalescer<FinishedAttempt>;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(options: DispatcherOptions) {
    this.db = options.db;
    this.engine = options.engine;
    this.allowPrivate = options.config.allowPrivateWebhooks;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.send = options.send ?? httpSender({ allowPrivate: this.allowPrivate, resolve: options.lookup });
    this.random = options.random ?? Math.random;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? IDLE_POLL_MS;
    this.transact = options.transact ?? ((work) => options.db.transaction().execute(work));
    this.recorder = new WriteCoalescer(this.transact, (trx, items) => writeFinishedAttempts(trx, this.engine, items));
  }

  /** Claims one batch of due deliveries and sends them; returns how many were attempted. */
  async runOnce(): Promise<number> {
    return (await this.runBatch()).attempted;
  }

  /** Runs batches until stop(): at once again after a full batch, every poll interval when idle. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.runLoop();
  }

  /** Ends the loop; resolves once the sends in flight are finished and recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /**
   * Claims a new batch while earlier ones are still being sent, up to MAX_BATCHES_IN_FLIGHT: a
   * slow receiver does not hold up the rest. Order still holds, because a delivery is claimed
   * only once the earlier one of its (subscription, conversation) is recorded.
   */
  private async runLoop(): Promise<void> {
    const inFlight = new Set<Promise<unknown>>();
    while (!this.stopping) {
      let pause = 0;
      try {
        const rows = await this.claim();
        if (rows.length > 0) {
          const batch: Promise<unknown> = this.sendBatch(rows).finally(() => {
            inFlight.delete(batch);
            // Its conversations' next deliveries may be due now.
            this.wake?.();
          });
          inFlight.add(batch);
        }
        if (rows.length < this.batchSize) pause = this.pollIntervalMs;
      } catch (error) {
        this.logger.error({ err: error }, 'webhook dispatch batch failed');
        pause = ERROR_PAUSE_MS;
      }
      if (inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(inFlight);
      else if (pause > 0 && !this.stopping) await this.sleep(pause);
    }
    await Promise.all(inFlight);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }

  private async runBatch(): Promise<{ claimed: number; attempted: number }> {
    const rows = await this.claim();
    return { claimed: rows.length, attempted: rows.length === 0 ? 0 : await this.sendBatch(rows) };
  }

  /** Sends claimed deliveries side by side and records each; returns how many were attempted. */
  private async sendBatch(rows: DeliveryRow[]): Promise<number> {
    const subscriptions = new Map<string, Promise<SubscriptionState>>();
    const lookupSubscription = (row: DeliveryRow) => {
      const key = `${row.workspace_id}\u0000${row.subscription_id}`;
      let found = subscriptions.get(key);
      if (!found) {
        found = this.loadSubscription(row.workspace_id, row.subscription_id);
        subscriptions.set(key, found);
      }
      return found;
    };
    // One batch holds at most one delivery per (subscription, conversation), so sending them
    // side by side cannot reorder a conversation.
    const results = await Promise.all(rows.map(async (row) => {
      try {
        return await this.deliver(row, await lookupSubscription(row));
      } catch (error) {
        // The lease runs out and the delivery is claimed again; nothing is lost.
        this.logger.error({ err: error, deliveryId: row.id }, 'webhook delivery could not be recorded');
        return false;
      }
    }));
    return results.filter(Boolean).length;
  }

  /**
   * Claims due, unleased, open deliveries with no earlier open one for the same (subscription,
   * conversation), skipping paused subscriptions. Plain SQL: the statuses are literals so both
   * planners walk the partial queue indexes of migration 002 in due order, without a sort.
   */
  private async claim(): Promise<DeliveryRow[]> {
    const now = this.now();
    const lease = now + CLAIM_LEASE_MS;
    const due = sql`select d.workspace_id, d.id from deliveries d
      where d.status in ('PENDING', 'RETRYING') and d.next_attempt_at <= ${now}
        and (d.locked_until is null or d.locked_until < ${now})
        and (d.conversation_id is null or not exists (
          select 1 from deliveries e
          where e.workspace_id = d.workspace_id and e.subscription_id = d.subscription_id
            and e.conversation_id = d.conversation_id and e.id < d.id and e.status in ('PENDING', 'RETRYING')))
        and not exists (
          select 1 from webhook_subscriptions s
          where s.workspace_id = d.workspace_id and s.id = d.subscription_id and s.is_active = 0 and s.deleted_at is null)
      order by d.next_attempt_at, d.id
      limit ${this.batchSize}`;
    // PostgreSQL: rows another dispatcher is claiming are skipped, not waited for; once its claim
    // commits, their lease excludes them here too. SQLite: one statement, atomic across processes.
    const lock = this.engine === 'postgres' ? sql`for update skip locked` : sql``;
    const { rows } = await sql<DeliveryRow>`update deliveries set locked_until = ${lease}
      where (workspace_id, id) in (${due} ${lock})
      returning *`.execute(this.db);
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async loadSubscription(workspaceId: string, subscriptionId: string): Promise<SubscriptionState> {
    const row = await this.db.selectFrom('webhook_subscriptions').selectAll()
      .where('workspace_id', '=', workspaceId).where('id', '=', subscriptionId).executeTakeFirst();
    if (!row || row.deleted_at !== null) return { state: 'gone' };
    if (!bool(row.is_active)) return { state: 'paused' };
    return { state: 'active', subscription: subscriptionFromRow(row) };
  }

  /** Sends one claimed delivery and records the attempt; false when nothing was attempted. */
  private async deliver(row: DeliveryRow, found: SubscriptionState): Promise<boolean> {
    if (found.state === 'gone') {
      await this.db.updateTable('deliveries').set({ status: 'CANCELLED', locked_until: null, updated_at: this.now() })
        .where('workspace_id', '=', row.workspace_id).where('id', '=', row.id).where('status', 'in', OPEN).execute();
      return false;
    }
    if (found.state === 'paused') {
      await this.release(row);
      return false;
    }
    const subscription = found.subscription;
    const started = performance.now();
    const attemptedAt = this.now();
    const outcome = await this.attempt(row, subscription, attemptedAt);
    const durationMs = Math.round(performance.now() - started);
    await this.record(row, outcome, attemptedAt, durationMs);
    return true;
  }

  private async release(row: DeliveryRow): Promise<void> {
    await this.db.updateTable('deliveries').set({ locked_until: null })
      .where('workspace_id', '=', row.workspace_id).where('id', '=', row.id).where('locked_until', '=', row.locked_until ?? -1).execute();
  }

  private async attempt(row: DeliveryRow, subscription: Subscription, attemptedAt: number): Promise<AttemptOutcome> {
    const refused = (errorMessage: string): AttemptOutcome => ({ statusCode: null, responseBody: null, errorMessage, retryAfter: null });
    const format = webhookFormat(subscription.dialect);
    if (!format) return refused(`no webhook format is registered for dialect "${subscription.dialect}"`);
    // Host names are judged by the sender's agent, on the address it connects to.
    const problem = webhookUrlProblem(subscription.url, this.allowPrivate);
    if (problem) return refused(`refused: url ${problem}`);
    try {
      // Header names are case-insensitive: later settings replace earlier ones whatever their case.
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(subscription.headers ?? {})) {
        if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
      }
      const signed = format.headers({ id: row.id, body: row.body, timestampSeconds: Math.floor(attemptedAt / 1000) }, subscription);
      for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value;
      headers['content-type'] = 'application/json';
      const response = await this.send({ url: subscription.url, headers, body: row.body, timeoutMs: SEND_TIMEOUT_MS, bodyLimit: RESPONSE_BODY_LIMIT });
      const status = response.status;
      const ok = status >= 200 && status < 300;
      return {
        statusCode: status,
        responseBody: response.body,
        errorMessage: ok ? null : status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`,
        retryAfter: response.retryAfter,
      };
    } catch (error) {
      return refused(describeSendError(error));
    }
  }

  private async record(row: DeliveryRow, outcome: AttemptOutcome, attemptedAt: number, durationMs: number): Promise<void> {
    const finishedAt = this.now();
    const attemptNumber = row.attempt_count + 1;
    const success = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const decision = success ? null : afterFailedAttempt(attemptNumber, finishedAt, outcome.retryAfter, this.random);
    const status: DeliveryStatus = decision ? decision.status : 'SUCCESS';
    const nextAttemptAt = decision?.status === 'RETRYING' ? decision.nextAttemptAt : row.next_attempt_at;
    const errorMessage = outcome.errorMessage === null ? null : cut(outcome.errorMessage);

    await this.recorder.write({
      attempt: {
        workspace_id: row.workspace_id, id: newId(), delivery_id: row.id, attempted_at: attemptedAt,
        status_code: outcome.statusCode, response_body: outcome.responseBody, error_message: errorMessage, duration_ms: durationMs,
      },
      record: {
        status, next_attempt_at: nextAttemptAt, attempt_count: attemptNumber, status_code: outcome.statusCode,
        response_body: outcome.responseBody, error_message: errorMessage, duration_ms: durationMs, updated_at: finishedAt,
        workspace_id: row.workspace_id, id: row.id,
      },
      success,
    });

    const log = { deliveryId: row.id, subscriptionId: row.subscription_id, attempt: attemptNumber, statusCode: outcome.statusCode, error: errorMessage };
    if (status === 'FAILED') this.logger.warn(log, 'webhook delivery failed for good');
    else this.logger.debug({ ...log, status }, 'webhook delivery attempted');
  }
}

type AttemptRow = Insertable<DeliveryAttemptTable>;
type AttemptRecord = Pick<Selectable<DeliveryTable>, 'status' | 'next_attempt_at' | 'attempt_count' | 'status_code' | 'response_body' | 'error_message' | 'duration_ms' | 'updated_at' | 'workspace_id' | 'id'>;

const insertAttempt = prepared<AttemptRow, never>((db, p) => db.insertInto('delivery_attempts').values({
  workspace_id: p('workspace_id'), id: p('id'), delivery_id: p('delivery_id'), attempted_at: p('attempted_at'), status_code: p('status_code'),
  response_body: p('response_body'), error_message: p('error_message'), duration_ms: p('duration_ms'),
}));

const recordStatement = (unlessCancelled: boolean) => prepared<AttemptRecord, never>((db, p) => {
  const update = db.updateTable('deliveries').set({
    status: p('status'), next_attempt_at: p('next_attempt_at'), attempt_count: p('attempt_count'), locked_until: null,
    status_code: p('status_code'), response_body: p('response_body'), error_message: p('error_message'),
    duration_ms: p('duration_ms'), updated_at: p('updated_at'),
  }).where('workspace_id', '=', p('workspace_id')).where('id', '=', p('id'));
  return unlessCancelled ? update.where('status', '!=', 'CANCELLED') : update;
});
const recordAttempt = recordStatement(false);
const recordAttemptUnlessCancelled = recordStatement(true);

/** A finished attempt to record; a delivery cancelled while in flight stays cancelled unless the attempt reached the receiver. */
interface FinishedAttempt { attempt: AttemptRow; record: AttemptRecord; success: boolean }

/**
 * Records finished attempts in one transaction. On SQLite a prepared statement per row costs
 * microseconds. On PostgreSQL each statement is a round trip, so the whole group goes in two,
 * with the rows passed as arrays; a record per statement took about 0.8 s per batch under load.
 */
async function writeFinishedAttempts(trx: Kysely<Database>, engine: Engine, items: FinishedAttempt[]): Promise<void> {
  if (engine === 'sqlite') {
    for (const { attempt, record, success } of items) {
      await insertAttempt(trx, attempt);
      await (success ? recordAttempt : recordAttemptUnlessCancelled)(trx, record);
    }
    return;
  }
  const column = <K extends keyof AttemptRow>(key: K) => items.map((item) => item.attempt[key] ?? null);
  await sql`insert into delivery_attempts (workspace_id, id, delivery_id, attempted_at, status_code, response_body, error_message, duration_ms)
    select * from unnest(${column('workspace_id')}::text[], ${column('id')}::text[], ${column('delivery_id')}::text[], ${column('attempted_at')}::bigint[],
      ${column('status_code')}::integer[], ${column('response_body')}::text[], ${column('error_message')}::text[], ${column('duration_ms')}::integer[])`.execute(trx);
  const field = <K extends keyof AttemptRecord>(key: K) => items.map((item) => item.record[key]);
  await sql`update deliveries as d set status = v.status, next_attempt_at = v.next_attempt_at, attempt_count = v.attempt_count, locked_until = null,
      status_code = v.status_code, response_body = v.response_body, error_message = v.error_message, duration_ms = v.duration_ms, updated_at = v.updated_at
    from unnest(${field('workspace_id')}::text[], ${field('id')}::text[], ${field('status')}::text[], ${field('next_attempt_at')}::bigint[],
      ${field('attempt_count')}::integer[], ${field('status_code')}::integer[], ${field('response_body')}::text[], ${field('error_message')}::text[],
      ${field('duration_ms')}::integer[], ${field('updated_at')}::bigint[], ${items.map((item) => item.success)}::boolean[])
      as v(workspace_id, id, status, next_attempt_at, attempt_count, status_code, response_body, error_message, duration_ms, updated_at, success)
    where d.workspace_id = v.workspace_id and d.id = v.id and (v.success or d.status <> 'CANCELLED')`.execute(trx);
}

/** At most 4 KiB of UTF-8 text; NUL is dropped because PostgreSQL text cannot hold it. */
function cut(text: string): string {
  return decodeCut(Buffer.from(text, 'utf8'), RESPONSE_BODY_LIMIT);
}

function describeSendError(error: unknown): string {
  if (error instanceof BlockedAddressError) return `refused: ${error.message}`;
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  const cause = e?.cause ? e.cause.code ?? e.cause.message : undefined;
  const message = e?.message ?? String(error);
  return cause ? `${message}: ${cause}` : message;
}

/**
 * A `FAILED` or `RETRYING` delivery goes back to `PENDING`, due at once (JuriChat's retry). Any
 * other status is a conflict; an unknown or foreign id is not found.
 */
export async function retryDeliveryNow(db: Kysely<Database>, workspaceId: string, deliveryId: string, now: number = Date.now()): Promise<void> {
  const result = await db.updateTable('deliveries').set({ status: 'PENDING', next_attempt_at: now, updated_at: now })
    .where('workspace_id', '=', workspaceId).where('id', '=', deliveryId).where('status', 'in', ['FAILED', 'RETRYING'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  const existing = await db.selectFrom('deliveries').select('status')
    .where('workspace_id', '=', workspaceId).where('id', '=', deliveryId).executeTakeFirst();
  if (!existing) throw notFound('delivery', deliveryId);
  throw conflict(`Delivery ${deliveryId} is ${existing.status}; only FAILED or RETRYING deliveries can be retried`, 'delivery_not_retryable');
}

/** A subscription's undelivered deliveries are dropped (it was deleted); returns how many. */
export async function cancelPendingDeliveries(trx: Kysely<Database>, workspaceId: string, subscriptionId: string, now: number = Date.now()): Promise<number> {
  const result = await trx.updateTable('deliveries').set({ status: 'CANCELLED', locked_until: null, updated_at: now })
    .where('workspace_id', '=', workspaceId).where('subscription_id', '=', subscriptionId).where('status', 'in', OPEN)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const PURGE_BATCH = 1000;

/** Deletes deliveries past their 90-day `expires_at`, attempts first; returns how many deliveries went. */
export async function purgeExpiredDeliveries(db: Kysely<Database>, now: number): Promise<number> {
  let purged = 0;
  for (;;) {
    const expired = await db.selectFrom('deliveries').select(['workspace_id', 'id'])
      .where('expires_at', '<', now).orderBy('expires_at').limit(PURGE_BATCH).execute();
    if (expired.length === 0) break;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('delivery_attempts')
        .where((eb) => eb(eb.refTuple('workspace_id', 'delivery_id'), 'in', expired.map((r) => eb.tuple(r.workspace_id, r.id))))
        .execute();
      await trx.deleteFrom('deliveries')
        .where((eb) => eb(eb.refTuple('workspace_id', 'id'), 'in', expired.map((r) => eb.tuple(r.workspace_id, r.id))))
        .execute();
    });
    purged += expired.length;
    if (expired.length < PURGE_BATCH) break;
  }
  return purged;
}
