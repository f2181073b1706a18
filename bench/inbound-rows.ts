/**
 * The rows an inbound sandbox message leaves (the person and conversation on a phone's first
 * message, the message, the conversation's counters, an event and a webhook delivery per change),
 * written through any `Writer`: the reference ingest's plain drivers, or the stack floor's Kysely.
 */
import { newId } from '../src/domain/ids.ts';
import { DELIVERY_RETENTION_MS } from '../src/events/outbox.ts';

export type Row = Record<string, string | number | null>;

export interface Tally {
  messages: number;
  people: number;
  conversations: number;
  events: number;
}

export const newTally = (): Tally => ({ messages: 0, people: 0, conversations: 0, events: 0 });

/** The statements of one inbound message, whatever the engine. */
export interface Writer {
  findPerson(phone: string): Promise<string | undefined> | string | undefined;
  findConversation(personId: string): Promise<{ id: string; created_at: number } | undefined> | { id: string; created_at: number } | undefined;
  messageExists(conversationId: string, externalId: string): Promise<boolean> | boolean;
  insert(table: string, row: Row): Promise<void> | void;
  touchConversation(id: string, messageId: string, at: number): Promise<void> | void;
  /**
   * Optional, for fewer round trips: a returning phone's person, conversation (locked) and whether
   * the externalId is stored, in one statement; undefined for a phone never seen.
   */
  findReturning?(phone: string, externalId: string): Promise<Returning | undefined>;
  /** Optional, with findReturning: the message, the conversation's counters, the event and its delivery in one statement. */
  appendMessage?(message: Row, touch: { id: string; messageId: string; at: number }, event: Row, delivery: Row): Promise<void>;
}

export interface Returning {
  personId: string;
  conversation: { id: string; created_at: number };
  duplicate: boolean;
}

/** Where the rows go: the bench dataset's workspace, inbox and channel, and one webhook subscription. */
export interface InboundTarget {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  subscriptionId: string;
}

export interface InboundFields {
  phone: string;
  name: string;
  externalId: string;
  text: string;
}

export interface Ingested {
  personId: string;
  conversationId: string;
  /** null when the externalId was already stored (nothing written). */
  messageId: string | null;
  /** The deliveries written, in order: each row's id and its webhook body. */
  webhooks: Webhook[];
}

export interface Webhook {
  deliveryId: string;
  body: string;
}

/** `INSERT INTO table (…) VALUES (…)` for the row's columns, with the engine's placeholders. */
export function insertSql(table: string, row: Row, placeholder: (i: number) => string): string {
  const columns = Object.keys(row);
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`;
}

/** An event and its one webhook delivery, as emitEvent writes them with one subscription active. */
async function emit(
  w: Writer,
  to: InboundTarget,
  tally: Tally,
  webhooks: Webhook[],
  type: string,
  conversationId: string | null,
  payload: object,
  data: object,
  now: number,
): Promise<void> {
  const { event, delivery, body } = eventRows(to, type, conversationId, payload, data, now);
  await w.insert('events', event);
  await w.insert('deliveries', delivery);
  webhooks.push({ deliveryId: delivery.id as string, body });
  tally.events++;
}

function eventRows(
  to: InboundTarget,
  type: string,
  conversationId: string | null,
  payload: object,
  data: object,
  now: number,
): { event: Row; delivery: Row; body: string } {
  const eventId = newId();
  const event: Row = { workspace_id: to.workspaceId, id: eventId, type, conversation_id: conversationId, payload: JSON.stringify(payload), created_at: now };
  const body = JSON.stringify({ event: type.startsWith('contact.') ? type : `chat.${type}`, timestamp: new Date(now).toISOString(), data });
  const delivery: Row = {
    workspace_id: to.workspaceId,
    id: newId(),
    event_id: eventId,
    subscription_id: to.subscriptionId,
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
  return { event, delivery, body };
}

/** One inbound message: what receiveInbound stores, without validation or snapshots. */
export async function ingestInbound(w: Writer, to: InboundTarget, fields: InboundFields, tally: Tally): Promise<Ingested> {
  const { phone, name, externalId, text } = fields;
  const ws = to.workspaceId;
  const inboxId = to.inboxId;
  const webhooks: Webhook[] = [];
  const now = Date.now();
  const append = w.appendMessage;
  const returning = w.findReturning && append ? await w.findReturning(phone, externalId) : undefined;
  if (returning && append) {
    const { personId, conversation } = returning;
    if (returning.duplicate) return { personId, conversationId: conversation.id, messageId: null, webhooks };
    const { row, created } = messageCreated(to, conversation.id, personId, externalId, text, now);
    const { event, delivery, body } = eventRows(to, 'message.created', conversation.id, created.payload, created.data, now);
    await append(row, { id: conversation.id, messageId: row.id as string, at: now }, event, delivery);
    webhooks.push({ deliveryId: delivery.id as string, body });
    tally.events++;
    tally.messages++;
    return { personId, conversationId: conversation.id, messageId: row.id as string, webhooks };
  }
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
    await emit(w, to, tally, webhooks, 'contact.created', null, { person }, person, now);
    tally.people++;
  }
  let conversation = await w.findConversation(personId);
  if (!conversation) {
    conversation = { id: newId(), created_at: now };
    await w.insert('conversations', {
      workspace_id: ws,
      id: conversation.id,
      inbox_id: inboxId,
      channel_id: to.channelId,
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
    await emit(w, to, tally, webhooks, 'conversation.created', conversation.id, { conversation: data }, data, now);
    tally.conversations++;
  }
  if (await w.messageExists(conversation.id, externalId)) return { personId, conversationId: conversation.id, messageId: null, webhooks };
  const { row, created } = messageCreated(to, conversation.id, personId, externalId, text, now);
  const messageId = row.id as string;
  await w.insert('messages', row);
  await w.touchConversation(conversation.id, messageId, now);
  await emit(w, to, tally, webhooks, 'message.created', conversation.id, created.payload, created.data, now);
  tally.messages++;
  return { personId, conversationId: conversation.id, messageId, webhooks };
}

/** An inbound text message's row, and its message.created event's payload and webhook data. */
function messageCreated(to: InboundTarget, conversationId: string, personId: string, externalId: string, text: string, now: number) {
  const messageId = newId();
  const ws = to.workspaceId;
  const row: Row = {
    workspace_id: ws,
    id: messageId,
    conversation_id: conversationId,
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
  };
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
  return {
    row,
    created: { payload: { conversationId, message }, data: { conversationId, inboxId: to.inboxId, message } },
  };
}

/** PostgreSQL's returning-phone read: the person, the conversation (locked) and whether the externalId is stored. */
export const RETURNING_SQL = `select p.id as person_id, c.id as conversation_id, c.created_at,
    exists (select 1 from messages m where m.workspace_id = c.workspace_id and m.conversation_id = c.id and m.external_id = $4) as duplicate
  from people p join conversations c on c.workspace_id = p.workspace_id and c.inbox_id = p.inbox_id and c.person_id = p.id
  where p.workspace_id = $1 and p.inbox_id = $2 and p.phone_number = $3 and p.deleted_at is null
  for update of c`;

/** PostgreSQL: the message, the conversation's counters, the event and its delivery as one statement; its values in order. */
export function appendMessageSql(
  message: Row,
  touch: { id: string; messageId: string; at: number },
  event: Row,
  delivery: Row,
): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const place = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const insert = (table: string, row: Row) => {
    const columnValues = Object.values(row);
    return insertSql(table, row, (i) => place(columnValues[i - 1]));
  };
  const m = insert('messages', message);
  const at = place(touch.at);
  const t = `update conversations set last_message_id = ${place(touch.messageId)}, last_message_at = ${at}, last_activity_at = ${at}, unread_count = unread_count + 1, last_inbound_at = ${at} where workspace_id = ${place(message.workspace_id)} and id = ${place(touch.id)}`;
  const e = insert('events', event);
  const d = insert('deliveries', delivery);
  return { sql: `with m as (${m}), t as (${t}), e as (${e}) ${d}`, values };
}

/** The statements the writers prepare, with `?` placeholders (numbered for PostgreSQL by the caller). */
export const INBOUND_SQL = {
  findPerson: 'select id from people where workspace_id = ? and inbox_id = ? and phone_number = ? and deleted_at is null',
  findConversation: 'select id, created_at from conversations where workspace_id = ? and inbox_id = ? and person_id = ?',
  /** PostgreSQL: the conversation locked until the message is appended, as the server does. */
  findConversationForUpdate: 'select id, created_at from conversations where workspace_id = ? and inbox_id = ? and person_id = ? for update',
  findMessage: 'select id from messages where workspace_id = ? and conversation_id = ? and external_id = ?',
  touch:
    'update conversations set last_message_id = ?, last_message_at = ?, last_activity_at = ?, unread_count = unread_count + 1, last_inbound_at = ? where workspace_id = ? and id = ?',
};
