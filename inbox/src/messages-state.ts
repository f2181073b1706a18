import { signal } from '@preact/signals';
import { api, type Conversation, type Message, type Page } from './api.ts';
import { applyConversation } from './list-state.ts';

/** Each open conversation's messages, oldest to newest. */
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

/** At sign-out: nothing of the last agent's conversations stays. */
export function resetMessages(): void {
  messages.value = {};
}
