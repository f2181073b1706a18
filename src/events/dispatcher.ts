import { performance } from 'node:perf_hooks';
import { sql, type Kysely, type QueryResult, type Selectable } from 'kysely';
import type { Database, DeliveryTable } from '../db/schema.ts';
import type { Engine } from '../db/engine.ts';
import { type EngineQuirks, quirksOf } from '../db/engine-quirks.ts';
import { markDeliveriesWritten, type OutboxSignal } from '../db/outbox-signal.ts';
import type { Config } from '../config.ts';
import { bool, subscriptionFromRow } from '../db/rows.ts';
import { newId } from '../domain/ids.ts';
import { conflict, notFound } from '../domain/errors.ts';
import type { Subscription, WebhookFormat } from './webhook-formats.ts';
import { afterFailedAttempt, MAX_ATTEMPTS } from './retry-policy.ts';
import { WriteCoalescer, type Transact } from '../db/commit-groups.ts';
import { prepared } from '../db/prepared.ts';
import { webhookUrlProblem } from './webhook-url.ts';
import { decodeCut, httpSender, type SendWebhook } from './http-send.ts';
import { BlockedAddressError, type ResolveAll } from '../net/guarded-lookup.ts';
import {
  CLAIM_LEASE_MS,
  CLAIM_RENEW_MS,
  INTERRUPTED_ATTEMPT_MESSAGE,
  anyDeliveryDue,
  claimDueDeliveries,
  heldClaimKey,
  interruptedAttempts,
  releaseClaim,
  renewClaims,
  type AttemptRow,
  type ClaimedDelivery,
  type HeldClaim,
} from './delivery-claims.ts';

/** How long a receiver has to answer (spec README §4). */
export const SEND_TIMEOUT_MS = 10_000;
/** Response bodies (and error messages) are kept up to 4 KiB. */
export const RESPONSE_BODY_LIMIT = 4096;
export const DEFAULT_BATCH_SIZE = 100;
export const IDLE_POLL_MS = 100;
/** With an outbox signal listening, an idle dispatcher claims when signalled, and at least this often: retries come due. */
export const SIGNALLED_POLL_MS = 1_000;
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
  /** Each dialect's webhook format, by dialect (the app's modules). */
  webhookFormats: ReadonlyMap<string, WebhookFormat>;
  config: Pick<Config, 'allowPrivateWebhooks'>;
  logger: DispatcherLogger;
  /** The clock for claims, leases and retry times (epoch ms); tests drive it by hand. Renewals run on real timers. */
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
  /** PostgreSQL: the store's outbox signal; an idle dispatcher then waits for it instead of polling every pollIntervalMs. */
  signal?: OutboxSignal | null;
  /** How often a dispatcher with a listening signal claims anyway (default SIGNALLED_POLL_MS). */
  signalledPollMs?: number;
}

interface AttemptOutcome {
  statusCode: number | null;
  responseBody: string | null;
  errorMessage: string | null;
  retryAfter: string | null;
}

type SubscriptionState = { state: 'active'; subscription: Subscription } | { state: 'paused' } | { state: 'gone' };

/**
 * Sends due webhook deliveries from the outbox (spec README §4): claims a batch, POSTs each
 * stored body byte for byte with the dialect's signature headers, records every attempt and
 * schedules retries. Several dispatchers may share a PostgreSQL database; each delivery is
 * claimed by one of them at a time, with a short lease renewed while its send is in flight
 * (delivery-claims.ts).
 */
export class Dispatcher {
  private readonly db: Kysely<Database>;
  private readonly webhookFormats: ReadonlyMap<string, WebhookFormat>;
  private readonly quirks: EngineQuirks;
  private readonly allowPrivate: boolean;
  private readonly logger: DispatcherLogger;
  private readonly now: () => number;
  private readonly send: SendWebhook;
  private readonly random: () => number;
  readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly transact: Transact;

  private readonly recorder: WriteCoalescer<FinishedAttempt>;
  /** Claims from the claim until their outcome is recorded: what renewal extends. */
  private readonly held = new Map<string, HeldClaim>();
  private renewTimer: NodeJS.Timeout | null = null;
  private renewing = false;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly signal: OutboxSignal | null;
  private readonly signalledPollMs: number;
  /** Ends this dispatcher's subscription to the signal (set while started). */
  private stopListening: (() => void) | null = null;
  /** A signal came since the last claim began. */
  private signalled = false;
  /** The loop is in its long sleep, which a signal ends. */
  private awaitingSignal = false;
  /** Another process's dispatcher is sending: this one claims nothing until it leads. */
  private standingBy = false;

  constructor(options: DispatcherOptions) {
    this.db = options.db;
    this.webhookFormats = options.webhookFormats;
    this.quirks = quirksOf(options.engine);
    this.allowPrivate = options.config.allowPrivateWebhooks;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.send = options.send ?? httpSender({ allowPrivate: this.allowPrivate, resolve: options.lookup });
    this.random = options.random ?? Math.random;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? IDLE_POLL_MS;
    this.transact = options.transact ?? ((work) => options.db.transaction().execute(work));
    this.recorder = new WriteCoalescer(this.transact, (trx, items) => writeFinishedAttempts(trx, this.quirks, items));
    this.signal = options.signal ?? null;
    this.signalledPollMs = options.signalledPollMs ?? SIGNALLED_POLL_MS;
  }

  /** Claims one batch of due deliveries and sends them; returns how many were attempted. */
  async runOnce(): Promise<number> {
    return (await this.runBatch()).attempted;
  }

  /** Runs batches until stop(): at once again after a full batch, every poll interval when idle. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopListening =
      this.signal?.listen(() => {
        this.signalled = true;
        // A standby sleeps through other processes' commits; taking over the lead wakes it.
        if (this.awaitingSignal && (!this.standingBy || this.signal?.leading)) this.wake?.();
      }, this.logger) ?? null;
    this.loop = this.runLoop();
  }

  /** Ends the loop; resolves once the sends in flight are finished and recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.stopListening = null;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /**
   * Extends the lease of every claim still held, in one statement; runs every CLAIM_RENEW_MS while
   * any is held (tests driving the clock call it themselves).
   */
  async renewClaims(): Promise<void> {
    if (this.held.size === 0 || this.renewing) return;
    this.renewing = true;
    try {
      await renewClaims(this.db, this.quirks, [...this.held.values()], this.now() + CLAIM_LEASE_MS);
    } finally {
      this.renewing = false;
    }
  }

  private hold(rows: ClaimedDelivery[]): void {
    for (const row of rows) {
      const claim: HeldClaim = { workspace_id: row.workspace_id, id: row.id, claimed_at: row.claimed_at };
      this.held.set(heldClaimKey(claim), claim);
    }
    this.keepRenewing();
  }

  private letGo(row: ClaimedDelivery): void {
    this.held.delete(heldClaimKey(row));
    this.keepRenewing();
  }

  /** A renewal timer runs exactly while claims are held; an idle dispatcher writes nothing. */
  private keepRenewing(): void {
    if (this.held.size > 0 && !this.renewTimer) {
      this.renewTimer = setInterval(() => {
        this.renewClaims().catch((error) => this.logger.error({ err: error }, 'webhook delivery claims could not be renewed'));
      }, CLAIM_RENEW_MS);
      this.renewTimer.unref();
    } else if (this.held.size === 0 && this.renewTimer) {
      clearInterval(this.renewTimer);
      this.renewTimer = null;
    }
  }

  /**
   * Claims a new batch while earlier ones are still being sent, up to MAX_BATCHES_IN_FLIGHT: a
   * slow receiver does not hold up the rest. Order still holds, because a delivery is claimed
   * only once the earlier one of its (subscription, conversation) is recorded.
   */
  private async runLoop(): Promise<void> {
    const inFlight = new Set<Promise<unknown>>();
    while (!this.stopping) {
      if (this.signal?.listening && !this.signal.leading && inFlight.size === 0) {
        this.standingBy = true;
        this.awaitingSignal = true;
        await this.sleep(this.signalledPollMs);
        this.awaitingSignal = false;
        this.standingBy = false;
        continue;
      }
      let pause = 0;
      // Woken by the clock, not by a commit or a finished batch: most such polls find nothing.
      const polled = !this.signalled;
      this.signalled = false;
      try {
        const rows = polled && !(await anyDeliveryDue(this.db, this.now())) ? [] : await this.claim();
        if (rows.length > 0) {
          const batch: Promise<unknown> = this.sendBatch(rows).finally(() => {
            inFlight.delete(batch);
            // Its conversations' next deliveries may be due now: as good as a signal, even if it
            // comes during the short pause, which must then not turn into the long wait.
            this.signalled = true;
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
      else if (pause > 0 && !this.stopping) {
        await this.sleep(pause);
        // Idle with a signal listening: nothing is claimed until deliveries commit somewhere, a batch
        // in flight finishes, or signalledPollMs passes.
        if (pause === this.pollIntervalMs && this.signal?.listening && !this.signalled && !this.stopping) {
          this.awaitingSignal = true;
          await this.sleep(this.signalledPollMs - pause);
          this.awaitingSignal = false;
        }
      }
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
  private async sendBatch(rows: ClaimedDelivery[]): Promise<number> {
    const subscriptions = new Map<string, Promise<SubscriptionState>>();
    const lookupSubscription = (row: ClaimedDelivery) => {
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
    const results = await Promise.all(
      rows.map(async (row) => {
        try {
          return await this.deliver(row, await lookupSubscription(row));
        } catch (error) {
          // Its lease runs out and the delivery is claimed again, this claim logged as interrupted.
          this.logger.error({ err: error, deliveryId: row.id }, 'webhook delivery could not be recorded');
          return false;
        } finally {
          this.letGo(row);
        }
      }),
    );
    return results.filter(Boolean).length;
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const rows = await claimDueDeliveries(this.db, this.transact, this.quirks, this.now(), this.batchSize);
    this.hold(rows);
    return rows;
  }

  private async loadSubscription(workspaceId: string, subscriptionId: string): Promise<SubscriptionState> {
    const row = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', subscriptionId)
      .executeTakeFirst();
    if (!row || row.deleted_at !== null) return { state: 'gone' };
    if (!bool(row.is_active)) return { state: 'paused' };
    return { state: 'active', subscription: subscriptionFromRow(row) };
  }

  /** Sends one claimed delivery and records the attempt; false when nothing was attempted. */
  private async deliver(row: ClaimedDelivery, found: SubscriptionState): Promise<boolean> {
    const interrupted = interruptedAttempts(row);
    if (interrupted.length > 0) {
      this.logger.warn(
        { deliveryId: row.id, interrupted: interrupted.length, attempts: row.attempt_count },
        'webhook delivery taken over: earlier claims ended without a recorded outcome',
      );
    }
    if (found.state === 'gone') {
      await this.close(row, 'CANCELLED', interrupted);
      return false;
    }
    if (found.state === 'paused') {
      await releaseClaim(this.db, row);
      return false;
    }
    // Interrupted attempts count like failed ones: a delivery whose sends keep dying runs out of attempts too.
    if (interrupted.length > 0 && row.attempt_count >= MAX_ATTEMPTS) {
      await this.close(row, 'FAILED', interrupted);
      this.logger.warn(
        { deliveryId: row.id, subscriptionId: row.subscription_id, attempt: row.attempt_count, error: INTERRUPTED_ATTEMPT_MESSAGE },
        'webhook delivery failed for good',
      );
      return false;
    }
    const subscription = found.subscription;
    const started = performance.now();
    const attemptedAt = this.now();
    const outcome = await this.attempt(row, subscription, attemptedAt);
    const durationMs = Math.round(performance.now() - started);
    await this.record(row, outcome, attemptedAt, durationMs, interrupted);
    return true;
  }

  /** Ends a claimed delivery without sending it, logging the claims before it that ended without an outcome. */
  private async close(row: ClaimedDelivery, status: 'CANCELLED' | 'FAILED', interrupted: AttemptRow[]): Promise<void> {
    const failed = status === 'FAILED';
    await this.recorder.write({
      attempts: interrupted,
      record: {
        status,
        next_attempt_at: row.next_attempt_at,
        attempt_count: row.attempt_count,
        status_code: failed ? null : row.status_code,
        response_body: failed ? null : row.response_body,
        error_message: failed ? INTERRUPTED_ATTEMPT_MESSAGE : row.error_message,
        duration_ms: failed ? null : row.duration_ms,
        updated_at: this.now(),
        workspace_id: row.workspace_id,
        id: row.id,
        claimed_at: row.claimed_at,
      },
      success: false,
    });
  }

  private async attempt(row: ClaimedDelivery, subscription: Subscription, attemptedAt: number): Promise<AttemptOutcome> {
    const refused = (errorMessage: string): AttemptOutcome => ({ statusCode: null, responseBody: null, errorMessage, retryAfter: null });
    const format = this.webhookFormats.get(subscription.dialect);
    if (!format) return refused(`this server has no webhook format for dialect "${subscription.dialect}"`);
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

  private async record(row: ClaimedDelivery, outcome: AttemptOutcome, attemptedAt: number, durationMs: number, interrupted: AttemptRow[]): Promise<void> {
    const finishedAt = this.now();
    const attemptNumber = row.attempt_count + 1;
    const success = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const decision = success ? null : afterFailedAttempt(attemptNumber, finishedAt, outcome.retryAfter, this.random);
    const status: DeliveryStatus = decision ? decision.status : 'SUCCESS';
    const nextAttemptAt = decision?.status === 'RETRYING' ? decision.nextAttemptAt : row.next_attempt_at;
    const errorMessage = outcome.errorMessage === null ? null : cut(outcome.errorMessage);

    await this.recorder.write({
      attempts: [
        ...interrupted,
        {
          workspace_id: row.workspace_id,
          id: newId(),
          delivery_id: row.id,
          attempted_at: attemptedAt,
          status_code: outcome.statusCode,
          response_body: outcome.responseBody,
          error_message: errorMessage,
          duration_ms: durationMs,
        },
      ],
      record: {
        status,
        next_attempt_at: nextAttemptAt,
        attempt_count: attemptNumber,
        status_code: outcome.statusCode,
        response_body: outcome.responseBody,
        error_message: errorMessage,
        duration_ms: durationMs,
        updated_at: finishedAt,
        workspace_id: row.workspace_id,
        id: row.id,
        claimed_at: row.claimed_at,
      },
      success,
    });

    const log = { deliveryId: row.id, subscriptionId: row.subscription_id, attempt: attemptNumber, statusCode: outcome.statusCode, error: errorMessage };
    if (status === 'FAILED') this.logger.warn(log, 'webhook delivery failed for good');
    else this.logger.debug({ ...log, status }, 'webhook delivery attempted');
  }
}

/** A delivery's new state after an attempt; `claimed_at` names the claim that made it, which must still be the delivery's. */
type AttemptRecord = Pick<
  Selectable<DeliveryTable>,
  'status' | 'next_attempt_at' | 'attempt_count' | 'status_code' | 'response_body' | 'error_message' | 'duration_ms' | 'updated_at' | 'workspace_id' | 'id'
> & { claimed_at: number };

const insertAttempt = prepared<AttemptRow, never>((db, p) =>
  db.insertInto('delivery_attempts').values({
    workspace_id: p('workspace_id'),
    id: p('id'),
    delivery_id: p('delivery_id'),
    attempted_at: p('attempted_at'),
    status_code: p('status_code'),
    response_body: p('response_body'),
    error_message: p('error_message'),
    duration_ms: p('duration_ms'),
  }),
);

const recordStatement = (unlessCancelled: boolean) =>
  prepared<AttemptRecord, never>((db, p) => {
    const update = db
      .updateTable('deliveries')
      .set({
        status: p('status'),
        next_attempt_at: p('next_attempt_at'),
        attempt_count: p('attempt_count'),
        locked_until: null,
        claimed_at: null,
        interrupted_claims: null,
        status_code: p('status_code'),
        response_body: p('response_body'),
        error_message: p('error_message'),
        duration_ms: p('duration_ms'),
        updated_at: p('updated_at'),
      })
      .where('workspace_id', '=', p('workspace_id'))
      .where('id', '=', p('id'))
      .where('claimed_at', '=', p('claimed_at'));
    return unlessCancelled ? update.where('status', '!=', 'CANCELLED') : update;
  });
const recordAttempt = recordStatement(false);
const recordAttemptUnlessCancelled = recordStatement(true);

type ClaimKey = Pick<AttemptRecord, 'workspace_id' | 'id' | 'claimed_at'>;
/** Ends the claim of a delivery cancelled while it was in flight, leaving its status alone. */
const endClaim = prepared<ClaimKey, never>((db, p) =>
  db
    .updateTable('deliveries')
    .set({ locked_until: null, claimed_at: null, interrupted_claims: null })
    .where('workspace_id', '=', p('workspace_id'))
    .where('id', '=', p('id'))
    .where('claimed_at', '=', p('claimed_at')),
);

const changed = (result: QueryResult<unknown>) => (result.numAffectedRows ?? 0n) > 0n;

/**
 * Finished attempts to record: the attempt (after the interrupted ones it found), and the
 * delivery's new state. A delivery cancelled while in flight stays cancelled unless the attempt
 * reached the receiver. A claim that is no longer the delivery's (its lease ran out and another
 * dispatcher took over) records nothing: the new holder logs it as interrupted.
 */
interface FinishedAttempt {
  attempts: AttemptRow[];
  record: AttemptRecord;
  success: boolean;
}

/**
 * Records finished attempts in one transaction. On SQLite a prepared statement per row costs
 * microseconds. On PostgreSQL each statement is a round trip, so the whole group goes in two,
 * with the rows passed as arrays (`arrayRows`); a record per statement took about 0.8 s per batch under load.
 */
async function writeFinishedAttempts(trx: Kysely<Database>, quirks: EngineQuirks, items: FinishedAttempt[]): Promise<void> {
  const arrayRows = quirks.arrayRows;
  if (!arrayRows) {
    for (const { attempts, record, success } of items) {
      const owned = changed(await (success ? recordAttempt : recordAttemptUnlessCancelled)(trx, record)) || changed(await endClaim(trx, record));
      if (owned) for (const attempt of attempts) await insertAttempt(trx, attempt);
    }
    return;
  }
  const key = (row: { workspace_id: string; id: string }) => `${row.workspace_id}\u0000${row.id}`;
  const field = <K extends keyof AttemptRecord>(name: K, records = items.map((item) => item.record)) => records.map((record) => record[name]);
  const { rows: recorded } = await sql<{ workspace_id: string; id: string }>`update deliveries as d set status = v.status, next_attempt_at = v.next_attempt_at,
      attempt_count = v.attempt_count, locked_until = null, claimed_at = null, interrupted_claims = null, status_code = v.status_code,
      response_body = v.response_body, error_message = v.error_message, duration_ms = v.duration_ms, updated_at = v.updated_at
    from ${arrayRows([
      [field('workspace_id'), 'text'],
      [field('id'), 'text'],
      [field('claimed_at'), 'bigint'],
      [field('status'), 'text'],
      [field('next_attempt_at'), 'bigint'],
      [field('attempt_count'), 'integer'],
      [field('status_code'), 'integer'],
      [field('response_body'), 'text'],
      [field('error_message'), 'text'],
      [field('duration_ms'), 'integer'],
      [field('updated_at'), 'bigint'],
      [items.map((item) => item.success), 'boolean'],
    ])}
      as v(workspace_id, id, claimed_at, status, next_attempt_at, attempt_count, status_code, response_body, error_message, duration_ms, updated_at, success)
    where d.workspace_id = v.workspace_id and d.id = v.id and d.claimed_at = v.claimed_at and (v.success or d.status <> 'CANCELLED')
    returning d.workspace_id, d.id`.execute(trx);
  const owned = new Set(recorded.map(key));
  const unrecorded = items.map((item) => item.record).filter((record) => !owned.has(key(record)));
  if (unrecorded.length > 0) {
    const { rows: ended } = await sql<{
      workspace_id: string;
      id: string;
    }>`update deliveries as d set locked_until = null, claimed_at = null, interrupted_claims = null
      from ${arrayRows([
        [field('workspace_id', unrecorded), 'text'],
        [field('id', unrecorded), 'text'],
        [field('claimed_at', unrecorded), 'bigint'],
      ])} as v(workspace_id, id, claimed_at)
      where d.workspace_id = v.workspace_id and d.id = v.id and d.claimed_at = v.claimed_at
      returning d.workspace_id, d.id`.execute(trx);
    for (const row of ended) owned.add(key(row));
  }
  const attempts = items.filter((item) => owned.has(key(item.record))).flatMap((item) => item.attempts);
  if (attempts.length === 0) return;
  const column = <K extends keyof AttemptRow>(name: K) => attempts.map((attempt) => attempt[name] ?? null);
  await sql`insert into delivery_attempts (workspace_id, id, delivery_id, attempted_at, status_code, response_body, error_message, duration_ms)
    select * from ${arrayRows([
      [column('workspace_id'), 'text'],
      [column('id'), 'text'],
      [column('delivery_id'), 'text'],
      [column('attempted_at'), 'bigint'],
      [column('status_code'), 'integer'],
      [column('response_body'), 'text'],
      [column('error_message'), 'text'],
      [column('duration_ms'), 'integer'],
    ])}`.execute(trx);
}

/** At most 4 KiB of UTF-8 text; NUL is dropped because PostgreSQL text cannot hold it. */
function cut(text: string): string {
  return decodeCut(Buffer.from(text, 'utf8'), RESPONSE_BODY_LIMIT);
}

function describeSendError(error: unknown): string {
  if (error instanceof BlockedAddressError) return `refused: ${error.message}`;
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  const cause = e?.cause ? (e.cause.code ?? e.cause.message) : undefined;
  const message = e?.message ?? String(error);
  return cause ? `${message}: ${cause}` : message;
}

/**
 * A `FAILED` or `RETRYING` delivery goes back to `PENDING`, due at once (JuriChat's retry). Any
 * other status is a conflict; an unknown or foreign id is not found. Written through `transact`, so
 * on PostgreSQL its commit signals the dispatcher like any other delivery written.
 */
export async function retryDeliveryNow(
  store: { db: Kysely<Database>; transact: Transact },
  workspaceId: string,
  deliveryId: string,
  now: number = Date.now(),
): Promise<void> {
  const retried = await store.transact(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ status: 'PENDING', next_attempt_at: now, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', deliveryId)
      .where('status', 'in', ['FAILED', 'RETRYING'])
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) > 0;
    if (changed) markDeliveriesWritten(trx);
    return changed;
  });
  if (retried) return;
  const existing = await store.db
    .selectFrom('deliveries')
    .select('status')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!existing) throw notFound('delivery', deliveryId);
  throw conflict(`Delivery ${deliveryId} is ${existing.status}; only FAILED or RETRYING deliveries can be retried`, 'delivery_not_retryable');
}

/**
 * A subscription's undelivered deliveries are dropped (it was deleted); returns how many. One with
 * a claim outstanding, or with claims that ended unrecorded and are not yet logged, is left to the
 * dispatcher: it claims it, finds the subscription gone, and cancels it with those attempts logged.
 */
export async function cancelPendingDeliveries(trx: Kysely<Database>, workspaceId: string, subscriptionId: string, now: number = Date.now()): Promise<number> {
  const result = await trx
    .updateTable('deliveries')
    .set({ status: 'CANCELLED', locked_until: null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('subscription_id', '=', subscriptionId)
    .where('status', 'in', OPEN)
    .where('claimed_at', 'is', null)
    .where('interrupted_claims', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const PURGE_BATCH = 1000;

/** Deletes deliveries past their 90-day `expires_at`, attempts first; returns how many deliveries went. */
export async function purgeExpiredDeliveries(db: Kysely<Database>, now: number): Promise<number> {
  let purged = 0;
  for (;;) {
    const expired = await db
      .selectFrom('deliveries')
      .select(['workspace_id', 'id'])
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(PURGE_BATCH)
      .execute();
    if (expired.length === 0) break;
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('delivery_attempts')
        .where((eb) =>
          eb(
            eb.refTuple('workspace_id', 'delivery_id'),
            'in',
            expired.map((r) => eb.tuple(r.workspace_id, r.id)),
          ),
        )
        .execute();
      await trx
        .deleteFrom('deliveries')
        .where((eb) =>
          eb(
            eb.refTuple('workspace_id', 'id'),
            'in',
            expired.map((r) => eb.tuple(r.workspace_id, r.id)),
          ),
        )
        .execute();
    });
    purged += expired.length;
    if (expired.length < PURGE_BATCH) break;
  }
  return purged;
}
