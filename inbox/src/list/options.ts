import { signal } from '@preact/signals';
import { api, type Page } from '../api.ts';

export interface InboxOption {
  id: string;
  name: string;
}
export interface TagOption {
  id: string;
  name: string;
  color?: string | null;
}

/** The filters' choices: null until loaded, or when the server does not offer them (no tags route: the tag filter is hidden). */
export const inboxOptions = signal<InboxOption[] | null>(null);
export const tagOptions = signal<TagOption[] | null>(null);

let loaded = false;

async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  // A few pages at most: a workspace has tens of inboxes and tags, not thousands.
  for (let i = 0; i < 5; i++) {
    const page: Page<T> = await api<Page<T>>('GET', `${path}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** Once per sign-in: the inboxes and tags the filters offer, by name. */
export async function loadFilterOptions(): Promise<void> {
  if (loaded) return;
  loaded = true;
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const [inboxes, tags] = await Promise.all([
    allPages<InboxOption>('/api/v1/inboxes').catch(() => null),
    allPages<TagOption>('/api/v1/tags').catch(() => null),
  ]);
  inboxOptions.value = inboxes && [...inboxes].sort(byName);
  tagOptions.value = tags && [...tags].sort(byName);
}

export function resetFilterOptions(): void {
  loaded = false;
  inboxOptions.value = null;
  tagOptions.value = null;
}
