import { signal } from '@preact/signals';
import { api, type ApiError, type Conversation, type Page, type Person } from './api.ts';

/** The conversation list's state: the loaded conversations, their people, and events that came before the list. */
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

/** At sign-out: nothing of the last agent's list stays. */
export function resetList(): void {
  conversations.value = null;
  listError.value = null;
  pending.clear();
}
