import { sql, type Selectable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Ctx } from '../domain/context.ts';
import type { ChannelJobKind, ChannelTable } from '../db/schema.ts';
import { forUpdate } from '../db/repos/tx.ts';
import { repeat } from '../workers.ts';
import { ChannelRateLimit } from './channel-rate-limit.ts';
import { failOutboundMessage, finishJob, nextAttemptAt, requeueJob, type ChannelJob } from './channel-job-updates.ts';

export type ChannelRow = Selectable<ChannelTable>;

/** Runs one claimed job to its outcome (done, requeued, failed); a send's job is `sending` and committed when it is called. */
export type ChannelJobHandler = (job: ChannelJob, channel: ChannelRow, now: number) => Promise<void>;

/** What a channel kind does with its jobs. */
export interface ChannelKindJobs {
  handlers: Partial<Record<ChannelJobKind, ChannelJobHandler>>;
  /** How many sends per second a channel of this kind may make. */
  sendsPerSecond?: (channel: ChannelRow) => number;
}

export interface ChannelOutboxOptions {
  batchSize?: number;
  /** How long a claim holds; longer than any call a job makes (uploads and sends time out at 20 s). */
  leaseMs?: number;
  log?: FastifyBaseLogger;
}

/** The error of a send whose request may have reached Meta but whose answer never came back. */
export const SEND_OUTCOME_UNKNOWN = 'send outcome unknown';
export const CHANNEL_JOB_LEASE_MS = 120_000;
export const CHANNEL_OUTBOX_INTERVAL_MS = 1_000;
const BATCH = 50;

/**
 * Claims due channel jobs (sends, media fetches, read receipts) and runs them with their channel
 * kind's handler, outside any request transaction. Sends of one conversation go one at a time in
 * (order_at, id) order; other conversations are not held back. A send whose claim ran out while
 * `sending` (its process died mid-request) is never repeated: its message fails as outcome unknown.
 */
export class ChannelOutbox {
  private readonly rate = new ChannelRateLimit();
  private readonly batchSize: number;
  private readonly leaseMs: number;

  constructor(
    private readonly ctx: Ctx,
    private readonly kinds: ReadonlyMap<string, ChannelKindJobs>,
    private readonly options: ChannelOutboxOptions = {},
  ) {
    this.batchSize = options.batchSize ?? BATCH;
    this.leaseMs = options.leaseMs ?? CHANNEL_JOB_LEASE_MS;
  }

  /** One pass: settles abandoned sends, then claims and runs the due jobs; returns how many it handled. */
  async runOnce(now = Date.now()): Promise<number> {
    const abandoned = await this.failAbandonedSends(now);
    const jobs = await this.claim(now);
    if (jobs.length === 0) return abandoned;
    const channelIds = [...new Set(jobs.map((job) => job.channel_id))];
    const channels = await this.ctx.db.selectFrom('channels').selectAll().where('id', 'in', channelIds).execute();
    const byId = new Map(channels.map((channel) => [`${channel.workspace_id}\u0000${channel.id}`, channel]));
    await Promise.all(jobs.map((job) => this.run(job, byId.get(`${job.workspace_id}\u0000${job.channel_id}`)!, now)));
    return abandoned + jobs.length;
  }

  /** Runs passes every second, at once again while a pass finds a full batch. */
  start(log: FastifyBaseLogger, intervalMs = CHANNEL_OUTBOX_INTERVAL_MS): { stop(): Promise<void> } {
    return repeat('channel-outbox', intervalMs, async () => (await this.runOnce()) >= this.batchSize, log);
  }

  /**
   * Claims due, unleased, queued jobs of handled kinds: a send only at the head of its
   * conversation; none of a channel in `error` whose config was not replaced since. A send is
   * `sending` from here on: this statement commits before any request leaves.
   */
  async claim(now: number): Promise<ChannelJob[]> {
    const kinds = [...this.kinds.keys()];
    if (kinds.length === 0) return [];
    const due = sql`select j.workspace_id, j.id from channel_jobs j
      join channels c on c.workspace_id = j.workspace_id and c.id = j.channel_id
      where j.state = 'queued' and j.next_attempt_at <= ${now}
        and (j.locked_until is null or j.locked_until < ${now})
        and c.kind in (${sql.join(kinds)})
        and (c.status is null or c.status <> 'error' or c.last_error_at is null or c.updated_at > c.last_error_at)
        and (j.kind <> 'send' or not exists (
          select 1 from channel_jobs e
          where e.workspace_id = j.workspace_id and e.conversation_id = j.conversation_id and e.kind = 'send'
            and (e.order_at < j.order_at or (e.order_at = j.order_at and e.id < j.id))))
      order by j.next_attempt_at, j.id
      limit ${this.batchSize}`;
    // PostgreSQL: jobs another process is claiming are skipped, not waited for. SQLite: one atomic statement.
    const lock = this.ctx.quirks.skipLockedClause('j');
    const { rows } = await sql<ChannelJob>`update channel_jobs
      set locked_until = ${now + this.leaseMs}, state = case when kind = 'send' then 'sending' else state end
      where (workspace_id, id) in (${due} ${lock})
      returning *`.execute(this.ctx.db);
    return rows;
  }

  /** Sends left `sending` past their lease: the request may have reached Meta, so the message fails instead of going twice. */
  async failAbandonedSends(now: number): Promise<number> {
    const stale = await this.ctx.db
      .selectFrom('channel_jobs')
      .selectAll()
      .where('state', '=', 'sending')
      .where('locked_until', '<', now)
      .limit(this.batchSize)
      .execute();
    let settled = 0;
    for (const candidate of stale) {
      const done = await this.ctx.transact(async (trx) => {
        const job = await forUpdate(
          trx
            .selectFrom('channel_jobs')
            .selectAll()
            .where('workspace_id', '=', candidate.workspace_id)
            .where('id', '=', candidate.id)
            .where('state', '=', 'sending')
            .where('locked_until', '<', now),
          this.ctx.engine,
        ).executeTakeFirst();
        if (!job) return false;
        await finishJob(trx, job);
        await failOutboundMessage(this.ctx, trx, job, SEND_OUTCOME_UNKNOWN);
        return true;
      });
      if (done) settled++;
    }
    return settled;
  }

  private async run(job: ChannelJob, channel: ChannelRow, now: number): Promise<void> {
    const kind = this.kinds.get(channel.kind);
    const handler = kind?.handlers[job.kind];
    try {
      if (!handler) return void (await finishJob(this.ctx.db, job));
      if (job.kind === 'send' && kind?.sendsPerSecond) await this.rate.take(channel.id, kind.sendsPerSecond(channel));
      await handler(job, channel, now);
    } catch (error) {
      this.options.log?.error({ err: error, jobId: job.id, kind: job.kind }, 'channel job failed');
      // A send that threw may have left: it stays `sending` until its lease runs out and it fails as unknown.
      if (job.kind === 'send') return;
      const dueAt = nextAttemptAt(job, now, null);
      if (dueAt === null) await finishJob(this.ctx.db, job);
      else await requeueJob(this.ctx.db, job, dueAt, String(error));
    }
  }
}
