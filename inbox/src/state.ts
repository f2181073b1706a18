import { signal } from '@preact/signals';
import { api, type ApiError, onSessionEnded, type Conversation, type Message, type Page, type Person, type Session } from './api.ts';

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
  session.value = null;
  conversations.value = null;
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

export const messages = signal<Record<string, Message[]>>({});

export async function loadMessages(conversationId: string): Promise<void> {
  const page = await api<Page<Message>>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=50`);
  // The API pages newest first; the log reads oldest to newest.
  messages.value = { ...messages.value, [conversationId]: [...page.data].reverse() };
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
