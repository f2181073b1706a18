import { api, type Message } from '../api.ts';
import { messages } from '../messages-state.ts';
import { session } from '../state.ts';

/** Sending from the composer. */
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
