import type { Insertable } from 'kysely';
import type * as S from '../db/schema.ts';
import type { ConversationStatus, Direction, MessageType, Priority } from '../domain/model.ts';
import { newId } from '../domain/ids.ts';
import { searchKey } from '../domain/text.ts';
import * as demo from './demo-data.ts';

/**
 * Row builders for `conversas seed`: one conversation at a time, with its person, messages,
 * support session, tags and agents, in the shape the domain services would have left them.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far back seeded history goes. */
export const HISTORY_MS = 8 * 7 * DAY;

export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: small, fast, and reproducible for a given seed. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let x = this.next() * choices.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of choices) {
      x -= weight;
      if (x < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
  token(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(Math.floor(this.next() * 10));
    return out;
  }
}

/** What one seeding run writes into: the workspace's first inbox, its channel and that channel's bot. */
export interface SeedTarget {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  botId: string | null;
  userIds: string[];
  roleIds: string[];
  tagIds: string[];
  /** Phone numbers already taken in the inbox (people are unique by phone), updated as people are made. */
  phones: Set<string>;
  now: number;
}

export interface SeedRows {
  people: Insertable<S.PersonTable>[];
  conversations: Insertable<S.ConversationTable>[];
  messages: Insertable<S.MessageTable>[];
  sessions: Insertable<S.SupportSessionTable>[];
  conversationTags: Insertable<S.ConversationTagTable>[];
  conversationAgents: Insertable<S.ConversationAgentTable>[];
}

export const emptyRows = (): SeedRows => ({ people: [], conversations: [], messages: [], sessions: [], conversationTags: [], conversationAgents: [] });

const STATUSES: [ConversationStatus, number][] = [
  ['INACTIVE', 55],
  ['ROBOT_INTERACTIVE', 20],
  ['WAITING', 10],
  ['ACTIVE', 15],
];
const PRIORITIES: [Priority, number][] = [
  ['LOW', 70],
  ['MEDIUM', 20],
  ['HIGH', 10],
];

/** A CPF with valid check digits, formatted. */
function cpf(r: Random): string {
  const base = Array.from({ length: 9 }, () => r.int(0, 9));
  const check = (digits: number[]) => {
    const sum = digits.reduce((acc, d, i) => acc + d * (digits.length + 1 - i), 0);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  base.push(check(base));
  base.push(check(base));
  const s = base.join('');
  return `${s.slice(0, 3)}.${s.slice(3, 6)}.${s.slice(6, 9)}-${s.slice(9)}`;
}

function emailLocal(name: string): string {
  return searchKey(name)
    .replace(/[^a-z ]/g, '')
    .trim()
    .replace(/\s+/g, '.');
}

function newPerson(r: Random, target: SeedTarget, at: number): Insertable<S.PersonTable> {
  const first = r.pick(demo.FIRST_NAMES);
  const name = r.chance(0.3) ? `${first} ${r.pick(demo.LAST_NAMES)} ${r.pick(demo.LAST_NAMES)}` : `${first} ${r.pick(demo.LAST_NAMES)}`;
  const [ddd, city] = r.pick(demo.CITIES);
  let phone: string;
  // Brazilian mobile in E.164 digits: 55 + area code + 9 + 8 digits.
  do phone = `55${ddd}9${r.digits(8)}`;
  while (target.phones.has(phone));
  target.phones.add(phone);
  return {
    workspace_id: target.workspaceId,
    id: newId(),
    inbox_id: target.inboxId,
    name,
    phone_number: phone,
    email: r.chance(0.35) ? `${emailLocal(name)}${r.chance(0.5) ? r.int(1, 99) : ''}@${r.pick(demo.EMAIL_DOMAINS)}` : null,
    image_url: null,
    document: r.chance(0.2) ? cpf(r) : null,
    description: null,
    country: 'Brasil',
    city,
    is_blocked: r.chance(0.005) ? 1 : 0,
    reference_id: null,
    search_text: searchKey(name, phone),
    created_at: at,
    updated_at: at,
    deleted_at: null,
  };
}

function inboundText(r: Random): string {
  const size = r.next();
  if (size < 0.45) return r.pick(demo.INBOUND_SHORT);
  if (size < 0.87) return r.pick(demo.INBOUND_MEDIUM);
  return r.pick(demo.INBOUND_LONG);
}

function media(r: Random, type: MessageType) {
  const base = `https://media.example.com/demo/${r.token(22)}`;
  switch (type) {
    case 'image':
      return {
        url: `${base}.jpg`,
        mimeType: 'image/jpeg',
        fileName: null,
        caption: r.chance(0.25) ? r.pick(demo.CAPTIONS) : null,
        size: r.int(60_000, 3_500_000),
      };
    case 'audio':
      return { url: `${base}.ogg`, mimeType: 'audio/ogg; codecs=opus', fileName: null, caption: null, size: r.int(4_000, 900_000) };
    default:
      return {
        url: `${base}.pdf`,
        mimeType: 'application/pdf',
        fileName: r.pick(demo.DOCUMENT_NAMES),
        caption: r.chance(0.3) ? r.pick(demo.CAPTIONS) : null,
        size: r.int(30_000, 5_000_000),
      };
  }
}

/** Message times: bursts a few seconds to minutes apart, now and then a pause of hours or days. */
function messageTimes(r: Random, count: number, lastAt: number, earliest: number): number[] {
  if (count === 0) return [];
  const gaps = Array.from({ length: count - 1 }, () => (r.chance(0.12) ? r.int(HOUR, 3 * DAY) : r.int(5_000, 8 * MINUTE)));
  const span = gaps.reduce((a, b) => a + b, 0);
  const scale = span > lastAt - earliest ? (lastAt - earliest) / span : 1;
  const times = new Array<number>(count);
  times[count - 1] = lastAt;
  for (let i = count - 2; i >= 0; i--) times[i] = times[i + 1]! - Math.max(1, Math.floor(gaps[i]! * scale));
  return times;
}

/** Appends one conversation — its person, messages, session, tags and agents — to `rows`. */
export function buildConversation(r: Random, target: SeedTarget, messageCount: number, rows: SeedRows): void {
  const { now, workspaceId: ws } = target;
  const status = r.weighted(STATUSES);
  const humanStatus = status === 'WAITING' || status === 'ACTIVE';
  // Live conversations had their last message within the inactivity timeout, dormant ones before it.
  const lastAt = humanStatus || status === 'ROBOT_INTERACTIVE' ? now - r.int(MINUTE, 20 * HOUR) : now - r.int(25 * HOUR, HISTORY_MS - DAY);
  const times = messageTimes(r, messageCount, lastAt, now - HISTORY_MS);
  const createdAt = times[0] ?? lastAt;

  const person = newPerson(r, target, createdAt);
  rows.people.push(person);
  const conversationId = newId();
  const agentId = target.userIds.length > 0 ? r.pick(target.userIds) : null;

  // Which stretch of the thread humans handled: [handover, humanEnd); agents write from agentStart on.
  let handover = -1;
  let humanEnd = messageCount;
  let sessionState: 'active' | 'closed' | null = null;
  let endedReason: string | null = null;
  if (humanStatus) {
    handover = messageCount === 0 ? -1 : Math.min(messageCount - 1, Math.max(1, Math.floor(messageCount * (0.3 + r.next() * 0.5))));
    sessionState = 'active';
  } else if (status === 'INACTIVE' && messageCount > 2 && r.chance(0.4)) {
    handover = Math.max(1, Math.floor(messageCount * (0.2 + r.next() * 0.4)));
    sessionState = 'closed';
    endedReason = r.chance(0.6) ? 'resolved' : 'inactivity';
  } else if (status === 'ROBOT_INTERACTIVE' && messageCount > 4 && r.chance(0.2)) {
    handover = Math.max(1, Math.floor(messageCount * 0.2));
    humanEnd = Math.min(messageCount - 1, handover + 2 + Math.floor((messageCount - handover) * r.next() * 0.6));
    sessionState = 'closed';
    endedReason = 'closed_by_operator';
  }
  const agentWrites = agentId !== null && handover >= 0 && status !== 'WAITING';
  const agentStart = agentWrites ? handover + 1 : messageCount;

  let direction: Direction = 'INBOUND';
  let lastVisible: Insertable<S.MessageTable> | null = null;
  let lastInboundAt: number | null = null;
  let trailingInbound = 0;
  const ids: string[] = [];
  for (let i = 0; i < messageCount; i++) {
    if (i > 0) direction = r.chance(0.35) ? direction : direction === 'INBOUND' ? 'OUTBOUND' : 'INBOUND';
    if (i === messageCount - 1 && status === 'WAITING') direction = 'INBOUND';
    const byAgent = i >= agentStart && i < humanEnd;
    let d: Direction = direction;
    if (d === 'OUTBOUND' && byAgent && r.chance(0.06)) d = 'INTERNAL';
    if (i === 0) d = 'INBOUND';

    let type: MessageType = 'text';
    const roll = r.next();
    if (d === 'INBOUND') type = roll < 0.75 ? 'text' : roll < 0.84 ? 'image' : roll < 0.94 ? 'audio' : 'document';
    else if (d === 'OUTBOUND' && byAgent) type = roll < 0.85 ? 'text' : roll < 0.95 ? 'document' : 'image';
    else if (d === 'OUTBOUND') type = roll < 0.95 ? 'text' : 'document';

    let content: string;
    let m: ReturnType<typeof media> | null = null;
    if (type !== 'text') {
      m = media(r, type);
      content = m.url;
    } else if (d === 'INBOUND') content = inboundText(r);
    else if (d === 'INTERNAL') content = r.pick(demo.INTERNAL_NOTES);
    else if (byAgent) content = r.chance(0.2) ? `${r.pick(demo.AGENT_REPLIES)} ${r.pick(demo.AGENT_REPLIES)}` : r.pick(demo.AGENT_REPLIES);
    else content = r.pick(demo.BOT_REPLIES);

    const id = newId();
    const at = times[i]!;
    const outbound = d === 'OUTBOUND';
    let externalStatus: string | null = null;
    let errorMessage: string | null = null;
    if (outbound) {
      const recent = status !== 'INACTIVE' && i >= messageCount - 2;
      externalStatus = r.chance(0.003) ? 'failed' : recent ? r.pick(['sent', 'delivered', 'read']) : 'read';
      if (externalStatus === 'failed') errorMessage = 'Message undeliverable';
    }
    const row: Insertable<S.MessageTable> = {
      workspace_id: ws,
      id,
      conversation_id: conversationId,
      type,
      direction: d,
      content,
      media_url: m?.url ?? null,
      media_mime_type: m?.mimeType ?? null,
      media_file_name: m?.fileName ?? null,
      media_caption: m?.caption ?? null,
      media_size: m?.size ?? null,
      message_at: at,
      external_id: d === 'INBOUND' ? `wamid.${r.token(24)}` : outbound ? `sandbox.${id}` : null,
      external_status: externalStatus,
      error_message: errorMessage,
      sender_person_id: d === 'INBOUND' ? person.id : null,
      sender_user_id: d !== 'INBOUND' && byAgent ? agentId : null,
      sender_bot_id: outbound && !byAgent ? target.botId : null,
      contact_name: null,
      contact_phone: null,
      quoted_message_id: ids.length > 0 && r.chance(0.03) ? r.pick(ids) : null,
      transcription: null,
      summary: null,
      metadata: null,
      client_message_id: null,
      created_at: at,
      updated_at: at,
    };
    rows.messages.push(row);
    ids.push(id);
    if (d !== 'INTERNAL') lastVisible = row;
    if (d === 'INBOUND') {
      lastInboundAt = at;
      trailingInbound++;
    } else if (outbound) trailingInbound = 0;
  }

  const lastMessageAt = lastVisible ? lastVisible.message_at : null;
  const lastActivityAt = lastMessageAt === null ? createdAt : Math.max(lastMessageAt, createdAt);
  let sessionEnd: number | null = null;
  if (sessionState === 'closed') {
    sessionEnd =
      endedReason === 'closed_by_operator'
        ? times[humanEnd]! - 1
        : Math.min(now - 1, lastActivityAt + (endedReason === 'inactivity' ? DAY : r.int(MINUTE, 2 * HOUR)));
  }
  // When the status last changed: going dormant happens a timeout (or a resolve) after the last message.
  const updatedAt = status === 'INACTIVE' ? Math.max(lastActivityAt, sessionEnd ?? Math.min(now - 1, lastActivityAt + DAY)) : lastActivityAt;
  const assignee = status === 'ACTIVE' ? agentId : null;
  rows.conversations.push({
    workspace_id: ws,
    id: conversationId,
    inbox_id: target.inboxId,
    channel_id: target.channelId,
    bot_id: target.botId,
    person_id: person.id,
    group_id: null,
    is_group: 0,
    status,
    priority: r.weighted(PRIORITIES),
    assignee_user_id: assignee,
    role_id: humanStatus && target.roleIds.length > 0 && r.chance(0.5) ? r.pick(target.roleIds) : null,
    agent_id: null,
    is_fixed: r.chance(0.015) ? 1 : 0,
    is_archived: status === 'INACTIVE' && r.chance(0.08) ? 1 : 0,
    is_private: 0,
    unread_count: status === 'INACTIVE' && r.chance(0.8) ? 0 : trailingInbound,
    last_message_id: lastVisible?.id ?? null,
    last_message_at: lastMessageAt,
    last_activity_at: lastActivityAt,
    last_inbound_at: lastInboundAt,
    metadata: null,
    search_text: person.search_text,
    created_at: createdAt,
    updated_at: updatedAt,
  });

  if (sessionState) {
    const startAt = handover >= 0 ? times[handover]! : createdAt;
    rows.sessions.push({
      workspace_id: ws,
      id: newId(),
      conversation_id: conversationId,
      bot_id: target.botId,
      person_id: person.id,
      state: sessionState,
      start_at: startAt,
      end_at: sessionEnd,
      ended_reason: endedReason,
      initial_message: null,
      metadata: null,
      assignment_type: null,
      assignment_target: null,
      redirect_payload: null,
      created_at: startAt,
      updated_at: sessionEnd ?? startAt,
    });
  }
  if (agentId && (assignee || (agentWrites && agentStart < humanEnd))) {
    const firstAt = times[Math.min(agentStart, messageCount - 1)] ?? createdAt;
    rows.conversationAgents.push({ workspace_id: ws, conversation_id: conversationId, user_id: agentId, first_at: firstAt });
  }
  if (target.tagIds.length > 0 && r.chance(0.3)) {
    const first = r.pick(target.tagIds);
    const second = r.chance(0.3) ? r.pick(target.tagIds) : first;
    for (const tagId of new Set([first, second])) rows.conversationTags.push({ workspace_id: ws, conversation_id: conversationId, tag_id: tagId });
  }
}
