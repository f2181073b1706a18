import type { Conversation, ConversationStatus, Person } from '../api.ts';

/** The list's views (inbox.md §4.2): assigned to me, waiting for an agent, with the bot, everything. */
export const VIEWS = ['mine', 'unassigned', 'bot', 'all'] as const;
export type View = (typeof VIEWS)[number];
export const STATUSES: ConversationStatus[] = ['ROBOT_INTERACTIVE', 'WAITING', 'ACTIVE', 'INACTIVE'];

/** What the list shows: a view narrowed by inbox, tag, status and a search on the person's name or phone. */
export interface ListQuery {
  view: View;
  inboxId: string | null;
  tagId: string | null;
  status: ConversationStatus | null;
  search: string;
}

export const DEFAULT_QUERY: ListQuery = { view: 'all', inboxId: null, tagId: null, status: null, search: '' };

/** The views that fix the status themselves (the status filter is hidden there). */
const VIEW_STATUS: Partial<Record<View, ConversationStatus>> = { unassigned: 'WAITING', bot: 'ROBOT_INTERACTIVE' };

export const statusFilterApplies = (view: View): boolean => VIEW_STATUS[view] === undefined;

/** The query as the address bar keeps it (`/?view=mine&status=ACTIVE&q=maria`), so a reload shows the same list. */
export function querySearchString(q: ListQuery): string {
  const params = new URLSearchParams();
  if (q.view !== 'all') params.set('view', q.view);
  if (q.inboxId) params.set('inbox', q.inboxId);
  if (q.tagId) params.set('tag', q.tagId);
  if (q.status && statusFilterApplies(q.view)) params.set('status', q.status);
  if (q.search.trim()) params.set('q', q.search.trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function queryFromSearchString(search: string): ListQuery {
  const params = new URLSearchParams(search);
  const view = params.get('view');
  const status = params.get('status');
  return {
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as View) : 'all',
    inboxId: params.get('inbox') || null,
    tagId: params.get('tag') || null,
    status: STATUSES.includes(status as ConversationStatus) ? (status as ConversationStatus) : null,
    search: params.get('q') ?? '',
  };
}

const PHONE_LIKE = /^[\d\s().+-]+$/;

/** A phone typed as `+55 (11) 9…` is searched as its digits, the way phones are stored. */
export function searchTerm(search: string): string {
  const trimmed = search.trim();
  if (PHONE_LIKE.test(trimmed) && /\d/.test(trimmed)) return trimmed.replace(/\D/g, '');
  return trimmed;
}

/** Lowercase, accents stripped: as the server compares names (domain/text.ts searchKey). */
export function searchKey(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join(' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/** The native list's query parameters for this query and page. */
export function listParams(q: ListQuery, me: string | null, cursor: string | null, limit: number): string {
  const params = new URLSearchParams({ limit: String(limit), pinnedFirst: 'true' });
  if (q.view === 'mine') params.set('userId', me ?? 'none');
  const status = VIEW_STATUS[q.view] ?? q.status;
  if (status) params.set('status', status);
  if (q.inboxId) params.set('inboxId', q.inboxId);
  if (q.tagId) params.set('tagId', q.tagId);
  const term = searchTerm(q.search);
  if (term) params.set('search', term);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/**
 * Whether a conversation belongs in the list as the server would answer: true, false, or
 * 'unknown' while a search is on and its person is not known yet (group names are not known here).
 */
export function matches(c: Conversation, q: ListQuery, me: string | null, person: Person | undefined): boolean | 'unknown' {
  if (c.isArchived) return false;
  if (q.view === 'mine' && (c.assigneeUserId === null || c.assigneeUserId !== me || c.status === 'INACTIVE')) return false;
  const status = VIEW_STATUS[q.view] ?? q.status;
  if (status && c.status !== status) return false;
  if (q.inboxId && c.inboxId !== q.inboxId) return false;
  if (q.tagId && !(c.tagIds ?? []).includes(q.tagId)) return false;
  const term = searchKey(searchTerm(q.search));
  if (!term) return true;
  if (c.isGroup || !person) return 'unknown';
  return searchKey(person.name, person.phoneNumber).includes(term);
}

/** Pinned first, then newest activity, the id breaking ties (the server's keyset order with pinnedFirst). */
export function listOrder(a: Conversation, b: Conversation): number {
  if (!!a.isFixed !== !!b.isFixed) return a.isFixed ? -1 : 1;
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt < b.lastActivityAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The newer of two snapshots of one conversation (events and pages crossing); the person summary is kept. */
export function newer(known: Conversation | undefined, incoming: Conversation): Conversation {
  if (!known) return incoming;
  const keepKnown =
    known.lastActivityAt > incoming.lastActivityAt ||
    (known.lastActivityAt === incoming.lastActivityAt && !!known.updatedAt && !!incoming.updatedAt && known.updatedAt > incoming.updatedAt);
  const winner = keepKnown ? known : incoming;
  const person = incoming.person !== undefined ? incoming.person : known.person;
  return person === undefined || winner.person === person ? winner : { ...winner, person };
}
