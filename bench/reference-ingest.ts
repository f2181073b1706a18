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
const DELIVERY_RETENTION_MS = 90 * 24 * 3600 * 1000;
const SUBSCRIPTION_ID = newId();

const TEXTS = ['Olá, boa tarde!', 'Gostaria de saber o andamento do meu processo, por favor.', 'ok, obrigado'];

type Row = Record<string, string | number | null>;
interface Tally {
  messages: number;
  people: number;
  conversations: number;
  events: number;
}

/** The statements of one inbound message, whatever the engine. */
interface Writer {
  findPerson(phone: string): Promise<string | undefined> | string | undefined;
  findConversation(personId: string): Promise<{ id: string; created_at: number } | undefined> | { id: string; created_at: number } | undefined;
  messageExists(conversationId: string, externalId: string): Promise<boolean> | boolean;
  insert(table: string, row: Row): Promise<void> | void;
  touchConversation(id: string, messageId: string, at: number): Promise<void> | void;
}

/** An event and its one webhook delivery, as emitEvent writes them with one subscription active. */
async function emit(w: Writer, tally: Tally, type: string, conversationId: string | null, payload: object, data: object, now: number): Promise<void> {
  const eventId = newId();
  const event: Row = { workspace_id: ws, id: eventId, type, conversation_id: conversationId, payload: JSON.stringify(payload), created_at: now };
  const body = JSON.stringify({ event: type.startsWith('contact.') ? type : `chat.${type}`, timestamp: new Date(now).toISOString(), data });
  const delivery: Row = {
    workspace_id: ws,
    id: newId(),
    event_id: eventId,
    subscription_id: SUBSCRIPTION_ID,
    conversation_id: conversationId,
    event_type: type,
    status: 'PENDING',
    body,
    attempt_count: 0,
    next_attempt_at: now,
    locked_until: null,
    status_code: null,
    response_body: null,
    error_message: null,
    duration_ms: null,
    created_at: now,
    updated_at: now,
    expires_at: now + DELIVERY_RETENTION_MS,
  };
  await w.insert('events', event);
  await w.insert('deliveries', delivery);
  tally.events++;
}

/** One inbound message: what receiveInbound stores, without HTTP, validation or snapshots. */
async function ingest(w: Writer, n: number, tally: Tally): Promise<void> {
  const index = n % phones;
  const phone = `${phonePrefix}${String(index).padStart(9, '0')}`;
  const name = `Cliente ${index}`;
  const externalId = `${externalIdPrefix}${n}`;
  const now = Date.now();
  let personId = await w.findPerson(phone);
  if (!personId) {
    personId = newId();
    await w.insert('people', {
      workspace_id: ws,
      id: personId,
      inbox_id: inboxId,
      name,
      phone_number: phone,
      email: null,
      image_url: null,
      document: null,
      description: null,
      country: null,
      city: null,
      is_blocked: 0,
      reference_id: null,
      search_text: `${name.toLowerCase()} ${phone}`,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    });
    const person = { id: personId, inboxId, name, phoneNumber: phone, createdAt: now, updatedAt: now };
    await emit(w, tally, 'contact.created', null, { person }, person, now);
    tally.people++;
  }
  let conversation = await w.findConversation(personId);
  if (!conversation) {
    conversation = { id: newId(), created_at: now };
    await w.insert('conversations', {
      workspace_id: ws,
      id: conversation.id,
      inbox_id: inboxId,
      channel_id: channelId,
      bot_id: null,
      person_id: personId,
      group_id: null,
      is_group: 0,
      status: 'ROBOT_INTERACTIVE',
      priority: 'LOW',
      assignee_user_id: null,
      role_id: null,
      agent_id: null,
      is_fixed: 0,
      is_archived: 0,
      is_private: 0,
      unread_count: 0,
      last_message_id: null,
      last_message_at: null,
      last_activity_at: now,
      last_inbound_at: null,
      metadata: null,
      search_text: `${name.toLowerCase()} ${phone}`,
      created_at: now,
      updated_at: now,
    });
    const data = { conversationId: conversation.id, status: 'ROBOT_INTERACTIVE', inboxId, personId, personName: name, personPhone: phone };
    await emit(w, tally, 'conversation.created', conversation.id, { conversation: data }, data, now);
    tally.conversations++;
  }
  if (await w.messageExists(conversation.id, externalId)) return;
  const messageId = newId();
  const text = TEXTS[n % TEXTS.length]!;
  await w.insert('messages', {
    workspace_id: ws,
    id: messageId,
    conversation_id: conversation.id,
    type: 'text',
    direction: 'INBOUND',
    content: text,
    media_url: null,
    media_mime_type: null,
    media_file_name: null,
    media_caption: null,
    media_size: null,
    message_at: now,
    external_id: externalId,
    external_status: null,
    error_message: null,
    sender_person_id: personId,
    sender_user_id: null,
    sender_bot_id: null,
    contact_name: null,
    contact_phone: null,
    quoted_message_id: null,
    transcription: null,
    summary: null,
    metadata: null,
    client_message_id: null,
    created_at: now,
    updated_at: now,
  });
  await w.touchConversation(conversation.id, messageId, now);
  const message = {
    id: messageId,
    content: text,
    type: 'text',
    direction: 'INBOUND',
    messageAt: new Date(now).toISOString(),
    externalId,
    externalStatus: null,
    errorMessage: null,
    participantId: null,
    contact: null,
    quotedMessage: null,
    transcription: null,
    summary: null,
    metadata: null,
  };
  await emit(
    w,
    tally,
    'message.created',
    conversation.id,
    { conversationId: conversation.id, message },
    { conversationId: conversation.id, inboxId, message },
    now,
  );
  tally.messages++;
}

function insertSql(table: string, row: Row, placeholder: (i: number) => string): string {
  const columns = Object.keys(row);
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`;
}

async function runSqlite(path: string): Promise<Tally> {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const findPerson = db.prepare<[string, string, string], { id: string }>(
    'select id from people where workspace_id = ? and inbox_id = ? and phone_number = ? and deleted_at is null',
  );
  const findConversation = db.prepare<[string, string, string], { id: string; created_at: number }>(
    'select id, created_at from conversations where workspace_id = ? and inbox_id = ? and person_id = ?',
  );
  const findMessage = db.prepare<[string, string, string], { id: string }>(
    'select id from messages where workspace_id = ? and conversation_id = ? and external_id = ?',
  );
  const touch = db.prepare(
    'update conversations set last_message_id = ?, last_message_at = ?, last_activity_at = ?, unread_count = unread_count + 1, last_inbound_at = ? where workspace_id = ? and id = ?',
  );
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
  const tally: Tally = { messages: 0, people: 0, conversations: 0, events: 0 };
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
  const tally: Tally = { messages: 0, people: 0, conversations: 0, events: 0 };
  const deadline = Date.now() + durationMs;
  const worker = async (slot: number) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    const writer: Writer = {
      findPerson: async (phone) =>
        (
          await client.query({
            name: 'find_person',
            text: 'select id from people where workspace_id = $1 and inbox_id = $2 and phone_number = $3 and deleted_at is null',
            values: [ws, inboxId, phone],
          })
        ).rows[0]?.id,
      findConversation: async (personId) =>
        (
          await client.query({
            name: 'find_conversation',
            text: 'select id, created_at from conversations where workspace_id = $1 and inbox_id = $2 and person_id = $3 for update',
            values: [ws, inboxId, personId],
          })
        ).rows[0],
      messageExists: async (conversationId, externalId) =>
        ((
          await client.query({
            name: 'find_message',
            text: 'select id from messages where workspace_id = $1 and conversation_id = $2 and external_id = $3',
            values: [ws, conversationId, externalId],
          })
        ).rowCount ?? 0) > 0,
      insert: async (table, row) => {
        await client.query({ name: `insert_${table}`, text: insertSql(table, row, (i) => `$${i}`), values: Object.values(row) });
      },
      touchConversation: async (id, messageId, at) => {
        await client.query({
          name: 'touch',
          text: 'update conversations set last_message_id = $1, last_message_at = $2, last_activity_at = $2, unread_count = unread_count + 1, last_inbound_at = $2 where workspace_id = $3 and id = $4',
          values: [messageId, at, ws, id],
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
