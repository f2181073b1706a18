import { api, type Page } from '../../api.ts';

export interface Inbox {
  id: string;
  name: string;
  inactivityTimeoutMinutes: number;
}

export type ChannelKind = 'sandbox' | 'whatsapp';

export interface Channel {
  id: string;
  inboxId: string;
  kind: ChannelKind;
  name: string;
  config: Record<string, unknown>;
  webhookUrl?: string;
  status?: 'active' | 'error';
  lastError?: string | null;
  lastErrorAt?: string | null;
  lastWebhookAt?: string | null;
}

/** Every item of a keyset-paginated list (settings lists are short: a few pages at most). */
export async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const separator = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api<Page<T>>('GET', `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export const loadInboxes = () => allPages<Inbox>('/api/v1/inboxes');
export const loadChannels = (inboxId: string) => allPages<Channel>(`/api/v1/channels?inboxId=${encodeURIComponent(inboxId)}`);
