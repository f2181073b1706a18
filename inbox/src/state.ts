import { signal } from '@preact/signals';
import { api, type ApiError, onSessionEnded, type Conversation, type Message, type Page, type Person, type Session } from './api.ts';
import { stopLive } from './live.ts';

/** `undefined` while the stored session is being checked at load. */
export const session = signal<Session | null | undefined>(undefined);
export const path = signal(location.pathname);

export function navigate(to: string, { replace = false } = {}): void {
  if (to === location.pathname) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.value = to;
}
addEventListener('popstate', () => {
  path.value = location.pathname;
});

/** The conversation the URL names (`/conversations/{id}`), if any. */
export function selectedId(current: string): string | null {
  const match = /^\/conversations\/([^/]+)/.exec(current);
  return match ? decodeURIComponent(match[1]) : null;
}

onSessionEnded.handler = () => {
  stopLive();
  session.value = null;
};

/** At load: the session cookie, if it is still good, signs the agent in without the form. */
export async function restoreSession(): Promise<void> {
  try {
    session.value = await api<Session>('GET', '/api/v1/auth/me');
  } catch {
    session.value = null;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  session.value = await api<Session>('POST', '/api/v1/auth/login', { email, password });
  if (path.value === '/login') navigate('/', { replace: true });
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    // Signed out here either way; the server forgets the session when it expires.
  }
  stopLive();
  session.value = null;
  conversations.value = null;
  pending.clear();
  navigate('/login');
}

export const conversations = signal<Conversation[] | null>(null);
export const listError = signal<ApiError | null>(null);
/** People by id, fetched once each: the list shows names, the API lists conversations with ids. */
export const people = signal<Record<string, Person>>({});
const asked = new Set<string>();

export async function loadConversations(): Promise<void> {
  try {
    const page = await api<Page<Conversation>>('GET', '/api/v1/conversations?limit=50');
    conversations.value = page.data;
    listError.value = null;
    // Events that arrived while the page was on its way: the newer of each conversation wins.
    const early = [...pending.values()];
    pending.clear();
    for (const c of early) applyConversation(c);
    await loadPeople(page.data.flatMap((c) => (c.personId ? [c.personId] : [])));
  } catch (error) {
    listError.value = error as ApiError;
  }
}

async function loadPeople(ids: string[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !asked.has(id));
  for (const id of missing) asked.add(id);
  // A few at a time: a page of 50 conversations should not open 50 connections at once.
  for (let i = 0; i < missing.length; i += 6) {
    const found = await Promise.all(missing.slice(i, i + 6).map((id) => api<Person>('GET', `/api/v1/people/${encodeURIComponent(id)}`).catch(() => null)));
    const next = { ...people.value };
    for (const person of found) if (person) next[person.id] = person;
    people.value = next;
  }
}

/** Conversations the event stream brought before the list was loaded. */
const pending = new Map<string, Conversation>();

const newestFirst = (a: Conversation, b: Conversation) => (a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0);

/**
 * A conversation as an event shows it: replaced in the list, or added to it (its person's name
 * fetched as the list fetches names), newest activity first; `toTop` puts it first whatever its times.
 */
export function applyConversation(conversation: Conversation, toTop = false): void {
  const list = conversations.value;
  if (list === null) {
    const known = pending.get(conversation.id);
    if (!known || known.lastActivityAt <= conversation.lastActivityAt) pending.set(conversation.id, conversation);
    return;
  }
  const known = list.find((c) => c.id === conversation.id);
  // An older snapshot than the one shown (events and a reload crossing) does not undo it.
  const next = known && known.lastActivityAt > conversation.lastActivityAt ? known : conversation;
  const rest = list.filter((c) => c.id !== conversation.id);
  conversations.value = toTop ? [next, ...rest] : [...rest, next].sort(newestFirst);
  if (next.personId) void loadPeople([next.personId]);
}

/** A message an event carries: added to (or replaced in) its conversation's log if that log is loaded; its conversation updated. */
export function applyMessage(message: Message, conversation: Conversation | undefined, created: boolean): void {
  const log = messages.value[message.conversationId];
  if (log) {
    const index = log.findIndex((m) => m.id === message.id);
    const next = index === -1 ? [...log, message] : log.map((m, i) => (i === index ? message : m));
    messages.value = { ...messages.value, [message.conversationId]: next };
  }
  if (conversation) applyConversation(conversation, created);
}

export const messages = signal<Record<string, Message[]>>({});

export async function loadMessages(conversationId: string): Promise<void> {
  const page = await api<Page<Message>>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=50`);
  // The API pages newest first; the log reads oldest to newest.
  const loaded = [...page.data].reverse();
  // Messages the event stream added while the page was on its way stay (after the page's newest).
  const newest = loaded.length > 0 ? loaded[loaded.length - 1].messageAt : '';
  const arrived = (messages.value[conversationId] ?? []).filter((m) => m.messageAt >= newest && !loaded.some((l) => l.id === m.id));
  messages.value = { ...messages.value, [conversationId]: [...loaded, ...arrived] };
}

export async function sendText(conversationId: string, text: string, clientMessageId: string): Promise<void> {
  const sent = await api<Message>('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
    type: 'text',
    message: text,
    clientMessageId,
    ...(session.value?.user.id ? { senderUserId: session.value.user.id } : {}),
  });
  const current = messages.value[conversationId] ?? [];
  if (!current.some((m) => m.id === sent.id)) messages.value = { ...messages.value, [conversationId]: [...current, sent] };
}
