import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { BackgroundTask } from './modules/contract.ts';
import type { Ctx } from './domain/context.ts';
import { sweepInactive } from './domain/human-support.ts';
import { Dispatcher, purgeExpiredDeliveries } from './events/dispatcher.ts';
import { sendDueScheduledMessages } from './domain/scheduled-messages.ts';
import { purgeAuthRecords } from './domain/auth-purge.ts';
import { purgeChannelRecords } from './domain/channel-webhook-log.ts';
import { mergeConversationCounts } from './db/repos/conversation-counts.ts';
import type { Modules } from './modules/contract.ts';
import type { OutboxSignal } from './db/outbox-signal.ts';
import type { MediaStore } from './media/media-store.ts';

export interface Workers {
  stop(): Promise<void>;
}

export const SWEEP_INTERVAL_MS = 30_000;
export const PURGE_INTERVAL_MS = 3_600_000;
export const SCHEDULER_INTERVAL_MS = 1_000;
const SCHEDULER_BATCH = 50;
const SWEEP_BATCH = 100;

/**
 * Runs `task` at start and then every `intervalMs`; when it reports more work waiting (returns
 * true), at once again. Errors are logged and the loop carries on.
 */
export function repeat(name: string, intervalMs: number, task: () => Promise<boolean>, log: FastifyBaseLogger): BackgroundTask {
  let stopping = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      wake = done;
    });
  const loop = (async () => {
    while (!stopping) {
      let again = false;
      try {
        again = (await task()) === true;
      } catch (error) {
        log.error({ err: error, worker: name }, 'background task failed');
      }
      if (!again && !stopping) await pause(intervalMs);
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}

/**
 * Background loops of one server process: the outbox dispatcher, the scheduled-message sender,
 * the inactivity sweep and the delivery purge. Off when `config.runWorkers` is false (tests drive them by hand). To add a
 * loop, push another task onto `tasks`.
 */
export function startWorkers(
  ctx: Ctx,
  config: Config,
  log: FastifyBaseLogger,
  channels: { modules: Modules; media: MediaStore } | null = null,
  outboxSignal: OutboxSignal | null = null,
): Workers {
  if (!config.runWorkers) return { stop: async () => {} };

  const dispatcher = new Dispatcher({
    db: ctx.db,
    engine: ctx.engine,
    transact: ctx.transact,
    webhookFormats: ctx.webhookFormats,
    config,
    logger: log.child({ worker: 'webhook-dispatcher' }),
    signal: outboxSignal,
  });
  dispatcher.start();

  const tasks: BackgroundTask[] = [
    dispatcher,
    repeat('scheduled-messages', SCHEDULER_INTERVAL_MS, async () => (await sendDueScheduledMessages(ctx, Date.now(), SCHEDULER_BATCH)) >= SCHEDULER_BATCH, log),
    repeat('inactivity-sweep', SWEEP_INTERVAL_MS, async () => (await sweepInactive(ctx, Date.now(), SWEEP_BATCH)) >= SWEEP_BATCH, log),
    repeat(
      'delivery-purge',
      PURGE_INTERVAL_MS,
      async () => {
        const purged = await purgeExpiredDeliveries(ctx.db, Date.now());
        if (purged > 0) log.info({ purged }, 'expired webhook deliveries purged');
        const records = await purgeChannelRecords(ctx, Date.now());
        if (records > 0) log.info({ purged: records }, 'expired channel webhook log rows, de-duplication ids and unmatched statuses purged');
        const auth = await purgeAuthRecords(ctx.db, Date.now());
        if (auth > 0) log.info({ purged: auth }, 'expired sessions, invitations and old failed logins purged');
        // Lists merge their inbox's count rows as they read them; this folds those of inboxes nobody listed.
        await mergeConversationCounts(ctx.db, ctx.engine);
        return false;
      },
      log,
    ),
    ...(channels?.modules.channels.flatMap((channel) => channel.startWorkers?.({ ctx, config, log, media: channels.media }) ?? []) ?? []),
  ];

  return {
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
