import { signal } from '@preact/signals';
import { api, type ApiError, type Conversation, type Page, type Person } from './api.ts';
import { DEFAULT_QUERY, type ListQuery, listParams, matches, listOrder, newer, queryFromSearchString } from './list/query.ts';
import { resetFilterOptions } from './list/options.ts';
import { session } from './state.ts';

/**
 * The conversation list's state: the query (view, filters, search), the conversations it shows,
 * newest activity first, as far as the pages loaded so far reach, and every conversation seen.
 */
export const PAGE_SIZE = 100;

export const listQuery = signal<ListQuery>(typeof location === 'undefined' ? DEFAULT_QUERY : queryFromSearchString(location.search));
/** The conversations the list shows (null while the first page loads). */
export const conversations = signal<Conversation[] | null>(null);
export const listError = signal<ApiError | null>(null);
/** The cursor of the next page; null when the last page is loaded. */
export const nextCursor = signal<string | null>(null);
export const loadingMore = signal(false);
/** A next page that failed: the loaded rows stay, the list offers to try again. */
export const moreError = signal<ApiError | null>(null);
/** Every conversation the inbox has seen, by id, whether or not the current list shows it (the open one may not be in it). */
export const knownConversations = signal<Record<string, Conversation>>({});
/** People by id: from the list's person summaries, else fetched once each (a conversation an event brought). */
export const people = signal<Record<string, Person>>({});
const asked = new Set<string>();

/** Each load of the first page gets a number: an answer for an older query is dropped. */
let generation = 0;
/** Conversations the event stream brought while the first page was on its way. */
const pending = new Map<string, Conversation>();

const me = (): string | null => session.value?.user.id ?? null;

function remember(list: Conversation[]): void {
  const next = { ...knownConversations.value };
  const found: Person[] = [];
  for (const c of list) {
    next[c.id] = newer(next[c.id], c);
    if (c.person) found.push(c.person);
  }
  knownConversations.value = next;
  if (found.length > 0) {
    const known = { ...people.value };
    for (const person of found) {
      known[person.id] = person;
      asked.add(person.id);
    }
    people.value = known;
  }
}

/** The list's first page for the current query; events that come meanwhile are applied after it. */
export async function loadConversations(): Promise<void> {
  const mine = ++generation;
  conversations.value = null;
  nextCursor.value = null;
  loadingMore.value = false;
  moreError.value = null;
  listError.value = null;
  try {
    const page = await api<Page<Conversation>>('GET', `/api/v1/conversations?${listParams(listQuery.value, me(), null, PAGE_SIZE)}`);
    if (mine !== generation) return;
    remember(page.data);
    conversations.value = page.data.map((c) => knownConversations.value[c.id] ?? c);
    nextCursor.value = page.nextCursor;
    const early = [...pending.values()];
    pending.clear();
    for (const c of early) applyConversation(c);
    void loadPeople(page.data.flatMap((c) => (c.personId && c.person === undefined ? [c.personId] : [])));
  } catch (error) {
    if (mine === generation) listError.value = error as ApiError;
  }
}

/** The next page while the agent scrolls: appended after the loaded ones, skipping those already shown (an event moved them up). */
export async function loadMore(): Promise<void> {
  const cursor = nextCursor.value;
  if (!cursor || loadingMore.value || conversations.value === null) return;
  const mine = generation;
  loadingMore.value = true;
  moreError.value = null;
  try {
    const page = await api<Page<Conversation>>('GET', `/api/v1/conversations?${listParams(listQuery.value, me(), cursor, PAGE_SIZE)}`);
    if (mine !== generation || conversations.value === null) return;
    remember(page.data);
    const shown = new Set(conversations.value.map((c) => c.id));
    const added = page.data.filter((c) => !shown.has(c.id)).map((c) => knownConversations.value[c.id] ?? c);
    conversations.value = [...conversations.value, ...added];
    nextCursor.value = page.nextCursor;
  } catch (error) {
    if (mine === generation) moreError.value = error as ApiError;
  } finally {
    if (mine === generation) loadingMore.value = false;
  }
}

/** A new view, filter or search: the list starts again from its first page. */
export function setListQuery(change: Partial<ListQuery>): void {
  const next = { ...listQuery.value, ...change };
  if (JSON.stringify(next) === JSON.stringify(listQuery.value)) return;
  listQuery.value = next;
  void loadConversations();
}

async function loadPeople(ids: string[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !asked.has(id));
  for (const id of missing) asked.add(id);
  // A few at a time: a page of conversations should not open a connection per row.
  for (let i = 0; i < missing.length; i += 6) {
    const found = await Promise.all(missing.slice(i, i + 6).map((id) => api<Person>('GET', `/api/v1/people/${encodeURIComponent(id)}`).catch(() => null)));
    const next = { ...people.value };
    for (const person of found) if (person) next[person.id] = { id: person.id, name: person.name, phoneNumber: person.phoneNumber };
    people.value = next;
  }
}

/** The open conversation when the list does not hold it (a link, another view): fetched once. */
export async function ensureConversation(id: string): Promise<void> {
  if (knownConversations.value[id]) return;
  try {
    applyConversation(await api<Conversation>('GET', `/api/v1/conversations/${encodeURIComponent(id)}`));
  } catch {
    // The conversation view says what it can; the list is unaffected.
  }
}

/**
 * A conversation as an event (or an action's answer) shows it: remembered, then placed in the
 * list where it belongs under the current view, filters and search — moved, added, or taken out
 * when it no longer matches. `toTop` puts it first whatever its times (a new message).
 */
export function applyConversation(conversation: Conversation, toTop = false): void {
  const merged = newer(knownConversations.value[conversation.id], conversation);
  remember([merged]);
  const list = conversations.value;
  if (list === null) {
    const early = pending.get(conversation.id);
    pending.set(conversation.id, newer(early, merged));
    return;
  }
  const person = merged.personId ? people.value[merged.personId] : undefined;
  if (merged.personId && !person && !asked.has(merged.personId)) {
    // Its name is fetched as the list fetched names before the summaries; a search decides once it is known.
    void loadPeople([merged.personId]).then(() => {
      if (listQuery.value.search.trim()) placeInList(knownConversations.value[merged.id] ?? merged, toTop);
    });
  }
  placeInList(merged, toTop);
}

function placeInList(c: Conversation, toTop: boolean): void {
  const list = conversations.value;
  if (list === null) return;
  const person = c.personId ? people.value[c.personId] : undefined;
  const verdict = matches(c, listQuery.value, me(), person);
  const index = list.findIndex((x) => x.id === c.id);
  // An unknown verdict (a search, the person not known yet) keeps what is shown and adds nothing.
  if (verdict === false || (verdict === 'unknown' && index === -1)) {
    if (index !== -1) conversations.value = list.filter((x) => x.id !== c.id);
    return;
  }
  const rest = index === -1 ? list : list.filter((x) => x.id !== c.id);
  if (toTop) {
    // First among its kind: a new message puts an unpinned conversation right below the pinned ones.
    const top = c.isFixed ? 0 : rest.findIndex((x) => !x.isFixed);
    const at = top === -1 ? rest.length : top;
    conversations.value = [...rest.slice(0, at), c, ...rest.slice(at)];
    return;
  }
  let at = rest.findIndex((x) => listOrder(c, x) < 0);
  if (at === -1) {
    // Older than everything loaded: it belongs to a page not loaded yet, which will bring it.
    if (nextCursor.value !== null) {
      if (index !== -1) conversations.value = rest;
      return;
    }
    at = rest.length;
  }
  conversations.value = [...rest.slice(0, at), c, ...rest.slice(at)];
}

/** At sign-out: nothing of the last agent's list stays. */
export function resetList(): void {
  generation++;
  conversations.value = null;
  listError.value = null;
  nextCursor.value = null;
  loadingMore.value = false;
  knownConversations.value = {};
  people.value = {};
  asked.clear();
  pending.clear();
  resetFilterOptions();
}
