import { signal } from '@preact/signals';

/**
 * What the composer holds per conversation, kept while the agent switches conversations: the text
 * (also in sessionStorage, so it survives a reload; drafts are not secret), note mode and chosen files.
 */

const STORAGE_KEY = 'conversas.drafts';

function stored(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export const drafts = signal<Record<string, string>>(stored());

export function setDraft(conversationId: string, text: string): void {
  const next = { ...drafts.value };
  if (text) next[conversationId] = text;
  else delete next[conversationId];
  drafts.value = next;
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage full or blocked: the draft stays in memory for this page.
  }
}

/** Note mode per conversation: the next send is an internal note. */
export const noteMode = signal<Record<string, boolean>>({});
export function setNoteMode(conversationId: string, on: boolean): void {
  noteMode.value = { ...noteMode.value, [conversationId]: on };
}

/** A chosen file, with a thumbnail URL for images (an object URL, revoked when the file leaves). */
export interface Attachment {
  key: string;
  file: File;
  thumbnail: string | null;
}

export const attachments = signal<Record<string, Attachment[]>>({});
let counter = 0;

export function addFiles(conversationId: string, files: Iterable<File>): void {
  const added = [...files].map((file) => ({
    key: `a${++counter}`,
    file,
    thumbnail: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
  }));
  if (added.length === 0) return;
  attachments.value = { ...attachments.value, [conversationId]: [...(attachments.value[conversationId] ?? []), ...added] };
}

export function removeAttachment(conversationId: string, key: string): void {
  const list = attachments.value[conversationId] ?? [];
  for (const a of list) if (a.key === key && a.thumbnail) URL.revokeObjectURL(a.thumbnail);
  attachments.value = { ...attachments.value, [conversationId]: list.filter((a) => a.key !== key) };
}

/** At sign-out: nothing of the last agent's drafts stays in this tab. */
export function resetDrafts(): void {
  for (const list of Object.values(attachments.value)) for (const a of list) if (a.thumbnail) URL.revokeObjectURL(a.thumbnail);
  attachments.value = {};
  noteMode.value = {};
  drafts.value = {};
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

/** "1.2 MB" */
export function formatSize(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}
