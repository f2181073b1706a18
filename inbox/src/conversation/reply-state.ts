import { signal } from '@preact/signals';
import type { Message } from '../api.ts';

/** The message the composer replies to, per conversation: the history sets it, the composer shows and sends it. */
export const replyingTo = signal<Record<string, Message | undefined>>({});

export function replyTo(conversationId: string, message: Message | undefined): void {
  replyingTo.value = { ...replyingTo.value, [conversationId]: message };
}
