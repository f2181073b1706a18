import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';

/**
 * Tells the webhook dispatchers of every process sharing a PostgreSQL database that deliveries
 * were committed, so an idle dispatcher waits for the signal instead of polling the outbox ten
 * times a second in each process. A transaction that wrote deliveries is marked (emitEvent, inside
 * it); when its commit returns, `committed()` wakes this process's dispatcher at once and sends
 * one NOTIFY, at most every NOTIFY_SPACING_MS however many commits there were. NOTIFY is sent
 * after the commit, not inside the transaction: PostgreSQL serialises the commits of notifying
 * transactions behind one lock, WAL flush included.
 */
export interface OutboxSignal {
  /** Deliveries were committed in this process. */
  committed(): void;
  /** Whether signals from every process reach this one now; while not, dispatchers poll as without one. */
  readonly listening: boolean;
  /**
   * Whether this process's dispatcher is the one that sends: of the processes listening, one holds
   * a session advisory lock on its listening connection and dispatches; the others stand by and
   * take over within LEADERSHIP_RETRY_MS of its connection closing. Two processes each claiming
   * half-size batches cost a third more CPU per message than one claiming for both.
   */
  readonly leading: boolean;
  /**
   * Starts listening (one connection of its own) and calls `wake` on every signal; reconnects when
   * the connection drops. Returns what stops calling `wake`.
   */
  listen(wake: () => void, log?: SignalLogger): () => void;
  close(): Promise<void>;
}

export const OUTBOX_CHANNEL = 'conversas_outbox';
/** At most one NOTIFY per this many ms from one process; dispatchers claim at most every 100 ms anyway. */
export const NOTIFY_SPACING_MS = 50;
const RELISTEN_MS = 1_000;
export const LISTENER_APPLICATION_NAME = 'conversas outbox listener';
/** How often a standby process tries to take the dispatcher's lock. */
export const LEADERSHIP_RETRY_MS = 1_000;
/** The advisory lock key of the dispatching process (per database; Kysely's migration lock uses another). */
const DISPATCHER_LOCK_KEY = '7305216904181265409';

const wroteDeliveries = new WeakSet<object>();

/** Marks a transaction that wrote deliveries: its commit is signalled. */
export function markDeliveriesWritten(trx: object): void {
  wroteDeliveries.add(trx);
}

export function deliveriesWrittenIn(trx: object): boolean {
  return wroteDeliveries.has(trx);
}

export interface SignalLogger {
  warn(obj: object, msg?: string): void;
}

/** The PostgreSQL signal: NOTIFY through the store's pool, LISTEN on a connection of its own. */
export function postgresOutboxSignal(db: Kysely<Database>, databaseUrl: string): OutboxSignal {
  const wakers = new Set<() => void>();
  let notifyTimer: NodeJS.Timeout | null = null;
  let lastNotifyAt = 0;
  let listener: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let logger: SignalLogger | null = null;
  let relisten: NodeJS.Timeout | null = null;
  let leading = false;
  let leadershipTimer: NodeJS.Timeout | null = null;

  const wakeAll = () => {
    for (const wake of wakers) wake();
  };
  const sendNotify = () => {
    notifyTimer = null;
    lastNotifyAt = Date.now();
    return sql`select pg_notify(${OUTBOX_CHANNEL}, '')`
      .execute(db)
      .then(() => {})
      .catch((error) => {
        // The others still find the deliveries when they next poll (SIGNALLED_POLL_MS).
        logger?.warn({ err: error }, 'outbox NOTIFY failed');
      });
  };

  // A failure before the new client exists (its import) is retried too; the client's own errors go through its `lost`.
  const scheduleConnect = () => {
    relisten = setTimeout(() => void connect().catch(scheduleConnect), RELISTEN_MS);
    relisten.unref();
  };

  const connect = async (): Promise<void> => {
    relisten = null;
    if (closed) return;
    const { default: pgModule } = await import('pg');
    // Named, so pg_stat_activity tells it apart from the pools' connections.
    const client = new pgModule.Client({ connectionString: databaseUrl, application_name: LISTENER_APPLICATION_NAME });
    const lost = (error?: Error) => {
      if (listener !== client) return;
      listener = null;
      listening = false;
      leading = false;
      if (leadershipTimer) clearInterval(leadershipTimer);
      leadershipTimer = null;
      client.end().catch(() => {});
      if (closed) return;
      if (error) logger?.warn({ err: error }, 'outbox LISTEN connection lost; dispatchers poll until it is back');
      // Deliveries committed meanwhile were not signalled.
      wakeAll();
      scheduleConnect();
    };
    listener = client;
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) wakeAll();
    });
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (listener !== client) return;
    listening = true;
    const tryToLead = async () => {
      if (leading || listener !== client) return;
      const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${DISPATCHER_LOCK_KEY}) as locked`);
      if (!rows[0]?.locked || listener !== client) return;
      leading = true;
      if (leadershipTimer) clearInterval(leadershipTimer);
      leadershipTimer = null;
      wakeAll();
    };
    try {
      await tryToLead();
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (!leading && listener === client) {
      leadershipTimer = setInterval(() => void tryToLead().catch(lost), LEADERSHIP_RETRY_MS);
      leadershipTimer.unref();
    }
    // Commits between the last poll and LISTEN were not signalled.
    wakeAll();
  };

  return {
    committed() {
      wakeAll();
      if (notifyTimer || closed) return;
      const wait = Math.max(0, lastNotifyAt + NOTIFY_SPACING_MS - Date.now());
      notifyTimer = setTimeout(() => void sendNotify(), wait);
    },
    get listening() {
      return listening;
    },
    get leading() {
      return leading;
    },
    listen(wake, log?: SignalLogger) {
      wakers.add(wake);
      if (log) logger = log;
      if (!listener && !relisten) void connect().catch(scheduleConnect);
      return () => {
        wakers.delete(wake);
      };
    },
    async close() {
      closed = true;
      if (relisten) clearTimeout(relisten);
      if (leadershipTimer) clearInterval(leadershipTimer);
      leading = false;
      if (notifyTimer) {
        clearTimeout(notifyTimer);
        await sendNotify();
      }
      const client = listener;
      listener = null;
      listening = false;
      await client?.end().catch(() => {});
    },
  };
}
