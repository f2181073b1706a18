import { signal } from '@preact/signals';
import { api, type Conversation, type Message, type Page } from './api.ts';
import { applyConversation } from './list-state.ts';

const PAGE = 50;

/** Each open conversation's messages, oldest to newest. */
export const messages = signal<Record<string, Message[]>>({});
/** Per conversation: the cursor of the next older page (null: the history is complete), absent until the first page. */
export const olderCursor = signal<Record<string, string | null>>({});
/** Per conversation: an older page is on its way. */
export const loadingOlder = signal<Record<string, boolean>>({});

const byTime = (a: Message, b: Message) => (a.messageAt < b.messageAt ? -1 : a.messageAt > b.messageAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `incoming` merged into `log`: each message once (the incoming copy wins), oldest to newest. */
function merged(log: Message[], incoming: Message[]): Message[] {
  const ids = new Set(incoming.map((m) => m.id));
  return [...log.filter((m) => !ids.has(m.id)), ...incoming].sort(byTime);
}

/** A message an event carries: added to (or replaced in) its conversation's log if that log is loaded; its conversation updated. */
export function applyMessage(message: Message, conversation: Conversation | undefined, created: boolean): void {
  const log = messages.value[message.conversationId];
  if (log) {
    const index = log.findIndex((m) => m.id === message.id);
    // Most messages are the newest: appended; one that belongs earlier (a late delivery) takes its place.
    // An older copy (an answer overtaken by a later event) does not undo a newer one.
    const stale = index !== -1 && (log[index].updatedAt ?? '') > (message.updatedAt ?? '');
    const next = stale
      ? log
      : index !== -1
        ? log.map((m, i) => (i === index ? message : m))
        : log.length === 0 || byTime(log[log.length - 1], message) <= 0
          ? [...log, message]
          : merged(log, [message]);
    messages.value = { ...messages.value, [message.conversationId]: next };
  }
  if (conversation) applyConversation(conversation, created);
}

export async function loadMessages(conversationId: string): Promise<void> {
  const page = await api<Page<Message>>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=${PAGE}`);
  // The API pages newest first; the log reads oldest to newest.
  const loaded = [...page.data].reverse();
  const shown = messages.value[conversationId];
  const ids = new Set(loaded.map((m) => m.id));
  if (shown && loaded.length > 0 && shown.some((m) => ids.has(m.id))) {
    // Loaded again (a reconnect) and it joins what is shown: older pages already loaded stay, and so does their cursor.
    messages.value = { ...messages.value, [conversationId]: merged(shown, loaded) };
    if (!(conversationId in olderCursor.value)) olderCursor.value = { ...olderCursor.value, [conversationId]: page.nextCursor };
    return;
  }
  // Messages the event stream added while the page was on its way stay (after the page's newest).
  const newest = loaded.length > 0 ? loaded[loaded.length - 1].messageAt : '';
  const arrived = (shown ?? []).filter((m) => m.messageAt >= newest && !ids.has(m.id));
  messages.value = { ...messages.value, [conversationId]: [...loaded, ...arrived] };
  olderCursor.value = { ...olderCursor.value, [conversationId]: page.nextCursor };
}

/** The next older page, put before what is shown; false when there was nothing (more) to load. */
export async function loadOlder(conversationId: string): Promise<boolean> {
  const cursor = olderCursor.value[conversationId];
  if (!cursor || loadingOlder.value[conversationId]) return false;
  loadingOlder.value = { ...loadingOlder.value, [conversationId]: true };
  try {
    const page = await api<Page<Message>>(
      'GET',
      `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`,
    );
    messages.value = { ...messages.value, [conversationId]: merged(messages.value[conversationId] ?? [], page.data) };
    olderCursor.value = { ...olderCursor.value, [conversationId]: page.nextCursor };
    return page.data.length > 0;
  } finally {
    loadingOlder.value = { ...loadingOlder.value, [conversationId]: false };
  }
}

/** A failed outbound message sent again (POST …/retry); the answer replaces it in the log. */
export async function retryMessage(conversationId: string, messageId: string): Promise<void> {
  const message = await api<Message>('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/retry`);
  applyMessage(message, undefined, false);
}

/** The agent read the conversation: its unread count clears (a WhatsApp channel also sends the read receipt). */
export async function markRead(conversationId: string): Promise<void> {
  const conversation = await api<Conversation>('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/read`);
  applyConversation(conversation);
}

/** At sign-out: nothing of the last agent's conversations stays. */
export function resetMessages(): void {
  messages.value = {};
  olderCursor.value = {};
  loadingOlder.value = {};
}
