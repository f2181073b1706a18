/**
 * W1's stack floor: the reference ingest's rows (inbound-rows.ts) written per request with the
 * stack the server must use — Fastify 5 validating the sandbox inbound route's own TypeBox body
 * and serialising its answer, pino, the key check, and Kysely over the server's own store (its
 * commit groups on SQLite, its pool and named prepared statements on PostgreSQL) — then one signed
 * webhook per delivery row sent straight after the commit, as floor-server.ts sends them. No domain,
 * no dialect, no outbox claims or attempt records, no channel lookup, no idempotency: every one of
 * those the server needs adds to this. The server's CPU per message cannot be expected below this
 * one's, nor its rate above it.
 * With STACK_FLOOR_OUTBOX=1 it also records each delivery's outcome once its webhook is answered,
 * as a durable outbox must (without it every restart would send every webhook again): the status,
 * the attempt count and the response code, for all the answers at hand in one transaction (SQLite)
 * or one statement (PostgreSQL). Still no claims, no per-conversation order, no attempt log, no
 * retries: the least an outbox adds to the stack floor.
 * Env: FLOOR_DATABASE_URL (sqlite:… or postgres://…), INBOX_ID, WEBHOOK_URL, PORT (0 = free), STACK_FLOOR_OUTBOX.
 * Prints "inbound stack floor listening on http://…".
 */
import { CompiledQuery, type Transaction } from 'kysely';
import { openStore } from '../src/db/connect.ts';
import type { Database } from '../src/db/schema.ts';
import { newId } from '../src/domain/ids.ts';
import { InboundAnswer, InboundBody } from '../src/channels/sandbox/api-routes.ts';
import { IdParams } from '../src/dialects/native/schemas.ts';
import { appendMessageSql, INBOUND_SQL, ingestInbound, RETURNING_SQL, insertSql, newTally, type Row, type Writer } from './inbound-rows.ts';
import { numbered, SQL } from './reference-page.ts';
import { failure, stackFloorApp, workspaceOf } from './stack-floor-app.ts';
import { webhookSender } from './webhook-out.ts';

const url = process.env.FLOOR_DATABASE_URL ?? '';
const inboxId = process.env.INBOX_ID ?? '';
if (!url || !inboxId) throw new Error('FLOOR_DATABASE_URL and INBOX_ID are required');
const store = openStore(url);
const postgres = store.engine === 'postgres';
const text = (sql: string) => (postgres ? numbered(sql) : sql);
const SQL_OF = {
  key: text(SQL.key),
  findPerson: text(INBOUND_SQL.findPerson),
  findConversation: postgres ? numbered(INBOUND_SQL.findConversationForUpdate) : INBOUND_SQL.findConversation,
  findMessage: text(INBOUND_SQL.findMessage),
  touch: text(INBOUND_SQL.touch),
  outcome: 'update deliveries set status = ?, attempt_count = 1, status_code = ?, next_attempt_at = ?, updated_at = ? where workspace_id = ? and id = ?',
  /** PostgreSQL: every answer at hand in one statement. */
  outcomes: `update deliveries d set status = u.status, attempt_count = 1, status_code = u.code, next_attempt_at = u.at, updated_at = u.at
    from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[]) as u(ws, id, status, code, at) where d.workspace_id = u.ws and d.id = u.id`,
};
const inserts = new Map<string, string>();
/**
 * PostgreSQL: a returning phone's message in two statements (its read, then the message, counters,
 * event and delivery as one), as the server batches its own; STACK_FLOOR_PER_ROW=1 writes one statement per row as the reference does.
 */
const fewestRoundTrips = postgres && process.env.STACK_FLOOR_PER_ROW !== '1';
const send = webhookSender(process.env.WEBHOOK_URL ?? '');
const subscriptionId = newId();
const tally = newTally();
const recordsOutcomes = process.env.STACK_FLOOR_OUTBOX === '1';

interface Answer {
  ws: string;
  id: string;
  statusCode: number | null;
  at: number;
}
let answered: Answer[] = [];
let recording = false;
const statusOf = (a: Answer) => (a.statusCode !== null && a.statusCode < 300 ? 'SUCCESS' : 'RETRYING');

/** Records the answers at hand, then any that arrived meanwhile; one writer at a time, as the dispatcher's batches. */
async function recordAnswers(): Promise<void> {
  if (recording) return;
  recording = true;
  try {
    while (answered.length > 0) {
      const batch = answered;
      answered = [];
      if (postgres) {
        await rows(store.db, SQL_OF.outcomes, [
          batch.map((a) => a.ws),
          batch.map((a) => a.id),
          batch.map(statusOf),
          batch.map((a) => a.statusCode),
          batch.map((a) => a.at),
        ]);
      } else {
        await store.transact(async (trx) => {
          for (const a of batch) await rows(trx, SQL_OF.outcome, [statusOf(a), a.statusCode, a.at, a.at, a.ws, a.id]);
        });
      }
    }
  } catch (error) {
    process.stderr.write(`stack floor: recording outcomes failed: ${(error as Error).message}\n`);
  } finally {
    recording = false;
  }
}

function sendRecording(ws: string, id: string, body: string): void {
  send(body, (statusCode) => {
    answered.push({ ws, id, statusCode, at: Date.now() });
    void recordAnswers();
  });
}

async function rows<R>(on: Transaction<Database> | typeof store.db, sql: string, values: unknown[]): Promise<R[]> {
  return (await on.executeQuery<R>(CompiledQuery.raw(sql, values))).rows;
}

function writerIn(trx: Transaction<Database>, ws: string): Writer {
  return {
    findPerson: async (phone) => (await rows<{ id: string }>(trx, SQL_OF.findPerson, [ws, inboxId, phone]))[0]?.id,
    findConversation: async (personId) => (await rows<{ id: string; created_at: number }>(trx, SQL_OF.findConversation, [ws, inboxId, personId]))[0],
    messageExists: async (conversationId, externalId) => (await rows(trx, SQL_OF.findMessage, [ws, conversationId, externalId])).length > 0,
    insert: async (table: string, row: Row) => {
      let sql = inserts.get(table);
      if (!sql) {
        sql = insertSql(table, row, (i) => (postgres ? `$${i}` : '?'));
        inserts.set(table, sql);
      }
      await rows(trx, sql, Object.values(row));
    },
    touchConversation: async (id, messageId, at) => {
      await rows(trx, SQL_OF.touch, [messageId, at, at, at, ws, id]);
    },
    ...(fewestRoundTrips && {
      findReturning: async (phone, externalId) => {
        const row = (
          await rows<{ person_id: string; conversation_id: string; created_at: number; duplicate: boolean }>(trx, RETURNING_SQL, [
            ws,
            inboxId,
            phone,
            externalId,
          ])
        )[0];
        return row && { personId: row.person_id, conversation: { id: row.conversation_id, created_at: row.created_at }, duplicate: row.duplicate };
      },
      appendMessage: async (message, touch, event, delivery) => {
        const { sql, values } = appendMessageSql(message, touch, event, delivery);
        await rows(trx, sql, values);
      },
    }),
  };
}

const app = stackFloorApp(
  process.env.LOG_LEVEL ?? 'warn',
  (request) => {
    const header = request.headers.authorization;
    return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
  },
  async (hash) => (await rows<{ workspace_id: string }>(store.db, SQL_OF.key, [hash]))[0]?.workspace_id,
);
app.post('/api/v1/channels/:id/inbound', { schema: { params: IdParams, body: InboundBody, response: { 200: InboundAnswer } } }, async (request) => {
  const ws = workspaceOf(request);
  const { from, message } = request.body;
  if (message.type !== 'text' || !message.text || !message.externalId) throw failure(400, 'the stack floor takes text messages with an externalId');
  const fields = { phone: from.phone, name: from.name ?? from.phone, externalId: message.externalId, text: message.text };
  const target = { workspaceId: ws, inboxId, channelId: request.params.id, subscriptionId };
  const ingested = await store.transact((trx) => ingestInbound(writerIn(trx, ws), target, fields, tally));
  if (!ingested.messageId) throw failure(409, `externalId ${message.externalId} was already stored`);
  for (const { deliveryId, body } of ingested.webhooks) {
    if (recordsOutcomes) sendRecording(ws, deliveryId, body);
    else send(body);
  }
  return { personId: ingested.personId, conversationId: ingested.conversationId, messageId: ingested.messageId, duplicate: false };
});
app.server.keepAliveTimeout = 72_000;
const origin = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`inbound stack floor listening on ${origin}\n`);
process.on('SIGTERM', () => void store.close().finally(() => process.exit(0)));
