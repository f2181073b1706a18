import { signal } from '@preact/signals';
import { api, type Conversation, type Message } from './api.ts';
import { applyConversation } from './list-state.ts';
import { applyMessage } from './messages-state.ts';

/** The event stream's state as the agent sees it: `reconnecting` after it dropped, until it is open again. */
export const liveStatus = signal<'connecting' | 'open' | 'reconnecting'>('connecting');

interface StreamEvent {
  id: string;
  type: string;
  conversationId: string | null;
  payload: { conversation?: Conversation; message?: Message };
}

const TYPES = ['conversation.created', 'conversation.updated', 'conversation.assigned', 'message.created', 'message.updated'] as const;
const RETRY_MS = 5000;

/**
 * Reloads what the screens show (the list, the open conversation): after a stream opened by hand
 * without a known position, events between the old stream and the new one would otherwise be missed.
 */
export const resync: { handler: () => void } = { handler: () => {} };

let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
/** The last event id seen: a stream reopened by hand resumes after it, as EventSource does by itself. */
let lastEventId: string | null = null;

function onEvent(event: MessageEvent<string>): void {
  let parsed: StreamEvent;
  try {
    parsed = JSON.parse(event.data) as StreamEvent;
  } catch {
    return;
  }
  if (event.lastEventId) lastEventId = event.lastEventId;
  const { conversation, message } = parsed.payload ?? {};
  if (message) applyMessage(message, conversation, parsed.type === 'message.created');
  else if (conversation) applyConversation(conversation);
}

function open(reopened = false): void {
  const query = lastEventId ? `?lastEventId=${encodeURIComponent(lastEventId)}` : '';
  const es = new EventSource(`/api/v1/events/stream${query}`);
  source = es;
  for (const type of TYPES) es.addEventListener(type, onEvent as EventListener);
  es.onopen = () => {
    liveStatus.value = 'open';
    if (reopened && !query) resync.handler();
  };
  es.onerror = () => {
    if (source !== es) return;
    liveStatus.value = 'reconnecting';
    if (es.readyState !== EventSource.CLOSED) return; // The browser reconnects by itself.
    // Refused for good (an answer other than the stream): ask whether the session is still good
    // (a 401 signs the agent out), then open a new stream.
    es.close();
    source = null;
    retry = setTimeout(() => {
      retry = null;
      api('GET', '/api/v1/auth/me')
        .then(() => {
          if (retry === null && source === null && started) open(true);
        })
        .catch(() => {
          if (started)
            retry = setTimeout(() => {
              retry = null;
              if (started && source === null) open(true);
            }, RETRY_MS);
        });
    }, RETRY_MS);
  };
}

let started = false;

/** After sign-in: one stream of the workspace's events keeps the list and the open conversation current. */
export function startLive(): void {
  if (started) return;
  started = true;
  liveStatus.value = 'connecting';
  open();
}

/** At sign-out (or when the session ends): the stream closes. */
export function stopLive(): void {
  started = false;
  lastEventId = null;
  if (retry !== null) clearTimeout(retry);
  retry = null;
  source?.close();
  source = null;
  liveStatus.value = 'connecting';
}
