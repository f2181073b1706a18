/**
 * W1's reference: the rows an inbound sandbox message leaves (the person and conversation on a
 * phone's first message, the message, the conversation's counters, an event and a webhook delivery
 * per change), written by a plain script with one transaction per message and no HTTP. On SQLite
 * one connection with WAL and synchronous=FULL, as the server opens it; on PostgreSQL ten
 * connections (the server's pool size) side by side, each phone always on the same connection.
 * Env: REFERENCE_DATABASE_URL, WORKSPACE_ID, INBOX_ID, CHANNEL_ID, PHONE_PREFIX, PHONES,
 * EXTERNAL_ID_PREFIX, DURATION_SECONDS, MESSAGES_PER_TRANSACTION (SQLite, default 1). Prints one JSON line: {messages, seconds, rate, cpuUsPerMessage, …}.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../src/domain/ids.ts';
import { INBOUND_SQL, type InboundTarget, ingestInbound, insertSql, newTally, type Tally, type Writer } from './inbound-rows.ts';
import { numbered } from './reference-page.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const url = env('REFERENCE_DATABASE_URL');
const ws = env('WORKSPACE_ID');
const inboxId = env('INBOX_ID');
const channelId = env('CHANNEL_ID');
const phonePrefix = env('PHONE_PREFIX');
const phones = Number(env('PHONES'));
const externalIdPrefix = env('EXTERNAL_ID_PREFIX');
const durationMs = Number(env('DURATION_SECONDS')) * 1000;
// SQLite: messages per transaction, 1 unless set; the server's commit groups hold up to 64.
const messagesPerTransaction = Math.max(1, Number(process.env.MESSAGES_PER_TRANSACTION ?? 1));
const SUBSCRIPTION_ID = newId();
const TARGET: InboundTarget = { workspaceId: ws, inboxId, channelId, subscriptionId: SUBSCRIPTION_ID };

const TEXTS = ['Olá, boa tarde!', 'Gostaria de saber o andamento do meu processo, por favor.', 'ok, obrigado'];

/** Message number n: from phone n mod PHONES, with an externalId of its own. */
function ingest(w: Writer, n: number, tally: Tally): Promise<unknown> {
  const index = n % phones;
  const fields = {
    phone: `${phonePrefix}${String(index).padStart(9, '0')}`,
    name: `Cliente ${index}`,
    externalId: `${externalIdPrefix}${n}`,
    text: TEXTS[n % TEXTS.length]!,
  };
  return ingestInbound(w, TARGET, fields, tally);
}

async function runSqlite(path: string): Promise<Tally> {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const findPerson = db.prepare<[string, string, string], { id: string }>(INBOUND_SQL.findPerson);
  const findConversation = db.prepare<[string, string, string], { id: string; created_at: number }>(INBOUND_SQL.findConversation);
  const findMessage = db.prepare<[string, string, string], { id: string }>(INBOUND_SQL.findMessage);
  const touch = db.prepare(INBOUND_SQL.touch);
  const inserts = new Map<string, Database.Statement>();
  const writer: Writer = {
    findPerson: (phone) => findPerson.get(ws, inboxId, phone)?.id,
    findConversation: (personId) => findConversation.get(ws, inboxId, personId),
    messageExists: (conversationId, externalId) => findMessage.get(ws, conversationId, externalId) !== undefined,
    insert: (table, row) => {
      let statement = inserts.get(table);
      if (!statement) {
        statement = db.prepare(insertSql(table, row, () => '?'));
        inserts.set(table, statement);
      }
      statement.run(Object.values(row));
    },
    touchConversation: (id, messageId, at) => {
      touch.run(messageId, at, at, at, ws, id);
    },
  };
  const tally = newTally();
  const deadline = Date.now() + durationMs;
  for (let n = 0; Date.now() < deadline; ) {
    db.exec('begin immediate');
    try {
      // The writer is synchronous on SQLite; ingest's awaits resolve at once.
      for (const end = n + messagesPerTransaction; n < end; n++) await ingest(writer, n, tally);
      db.exec('commit');
    } catch (error) {
      db.exec('rollback');
      throw error;
    }
  }
  db.close();
  return tally;
}

async function runPostgres(connectionString: string, connections: number): Promise<Tally> {
  pg.types.setTypeParser(20, (value) => Number(value));
  const tally = newTally();
  const deadline = Date.now() + durationMs;
  const worker = async (slot: number) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    const writer: Writer = {
      findPerson: async (phone) =>
        (
          await client.query({
            name: 'find_person',
            text: numbered(INBOUND_SQL.findPerson),
            values: [ws, inboxId, phone],
          })
        ).rows[0]?.id,
      findConversation: async (personId) =>
        (
          await client.query({
            name: 'find_conversation',
            text: numbered(INBOUND_SQL.findConversationForUpdate),
            values: [ws, inboxId, personId],
          })
        ).rows[0],
      messageExists: async (conversationId, externalId) =>
        ((
          await client.query({
            name: 'find_message',
            text: numbered(INBOUND_SQL.findMessage),
            values: [ws, conversationId, externalId],
          })
        ).rowCount ?? 0) > 0,
      insert: async (table, row) => {
        await client.query({ name: `insert_${table}`, text: insertSql(table, row, (i) => `$${i}`), values: Object.values(row) });
      },
      touchConversation: async (id, messageId, at) => {
        await client.query({
          name: 'touch',
          text: numbered(INBOUND_SQL.touch),
          values: [messageId, at, at, at, ws, id],
        });
      },
    };
    try {
      // Message numbers n ≡ slot (mod connections), so a phone always lands on the same connection.
      for (let n = slot; Date.now() < deadline; n += connections) {
        await client.query('begin');
        try {
          await ingest(writer, n, tally);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, slot) => worker(slot)));
  return tally;
}

const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const tally = url.startsWith('sqlite:') ? await runSqlite(url.slice('sqlite:'.length)) : await runPostgres(url, 10);
const cpu = process.cpuUsage(cpuBefore);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
// This process's CPU (user + system) per message: the rows' cost on the client side, no HTTP.
const cpuUsPerMessage = tally.messages > 0 ? (cpu.user + cpu.system) / tally.messages : null;
process.stdout.write(`${JSON.stringify({ ...tally, seconds, rate: tally.messages / seconds, cpuUsPerMessage, subscriptionId: SUBSCRIPTION_ID })}\n`);
