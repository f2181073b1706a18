import { signal } from '@preact/signals';
import { api, type Channel, type Named, type Page, type Tag } from '../../api.ts';
import { session } from '../../state.ts';

/**
 * The names the header and its menus show: agents, roles (queues), inboxes, channels, and each
 * inbox's tags. Fetched once each (every page); `null` while not loaded.
 */
export const users = signal<Named[] | null>(null);
export const roles = signal<Named[] | null>(null);
export const inboxes = signal<Named[] | null>(null);
/** Channels are admin-only in the API: agents see the inbox's name instead. */
export const channels = signal<Channel[] | null>(null);
export const tagsByInbox = signal<Record<string, Tag[] | undefined>>({});

const started = new Set<string>();

async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api<Page<T>>('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** Whose names are cached: another agent signing in on this page starts afresh. */
let owner: string | undefined;

function once(key: string, load: () => Promise<void>): void {
  const who = session.value?.user.id;
  if (who !== owner) {
    resetLookups();
    owner = who;
  }
  if (started.has(key)) return;
  started.add(key);
  load().catch(() => started.delete(key));
}

export function loadLookups(): void {
  once('users', async () => {
    users.value = await all<Named>('/api/v1/users');
  });
  once('roles', async () => {
    roles.value = await all<Named>('/api/v1/roles');
  });
  once('inboxes', async () => {
    inboxes.value = await all<Named>('/api/v1/inboxes');
  });
  if (session.value?.user.access === 'admin')
    once('channels', async () => {
      channels.value = await all<Channel>('/api/v1/channels');
    });
}

export function loadTags(inboxId: string): void {
  once(`tags:${inboxId}`, async () => {
    const tags = await all<Tag>(`/api/v1/tags?inboxId=${encodeURIComponent(inboxId)}`);
    tags.sort((a, b) => a.name.localeCompare(b.name));
    tagsByInbox.value = { ...tagsByInbox.value, [inboxId]: tags };
  });
}

export const nameOf = (list: Named[] | null, id: string | null | undefined): string | null => (id ? (list?.find((x) => x.id === id)?.name ?? null) : null);

function resetLookups(): void {
  started.clear();
  users.value = null;
  roles.value = null;
  inboxes.value = null;
  channels.value = null;
  tagsByInbox.value = {};
}
