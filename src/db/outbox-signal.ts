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
  /** Starts listening (one connection of its own) and calls `wake` on every signal; reconnects when the connection drops. */
  listen(wake: () => void, log?: SignalLogger): void;
  close(): Promise<void>;
}

export const OUTBOX_CHANNEL = 'conversas_outbox';
/** At most one NOTIFY per this many ms from one process; dispatchers claim at most every 100 ms anyway. */
export const NOTIFY_SPACING_MS = 50;
const RELISTEN_MS = 1_000;

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
  const wakers: (() => void)[] = [];
  let notifyTimer: NodeJS.Timeout | null = null;
  let lastNotifyAt = 0;
  let listener: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let logger: SignalLogger | null = null;
  let relisten: NodeJS.Timeout | null = null;

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

  const connect = async (): Promise<void> => {
    relisten = null;
    if (closed) return;
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({ connectionString: databaseUrl });
    const lost = (error?: Error) => {
      if (listener !== client) return;
      listener = null;
      listening = false;
      client.end().catch(() => {});
      if (closed) return;
      if (error) logger?.warn({ err: error }, 'outbox LISTEN connection lost; dispatchers poll until it is back');
      // Deliveries committed meanwhile were not signalled.
      wakeAll();
      relisten = setTimeout(() => void connect().catch(lost), RELISTEN_MS);
      relisten.unref();
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
    listen(wake, log?: SignalLogger) {
      wakers.push(wake);
      if (log) logger = log;
      if (!listener && !relisten) void connect();
    },
    async close() {
      closed = true;
      if (relisten) clearTimeout(relisten);
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
