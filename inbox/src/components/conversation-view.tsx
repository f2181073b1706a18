import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, clientId, type Message } from '../api.ts';
import { formatTime, t } from '../i18n.ts';
import { conversations, loadMessages, messages, navigate, sendText } from '../state.ts';
import { displayName } from './conversation-list.tsx';

function MessageItem({ message }: { message: Message }) {
  const kind = message.direction === 'INBOUND' ? 'inbound' : message.direction === 'INTERNAL' ? 'internal' : 'outbound';
  return (
    <li class={`message ${kind}`}>
      {message.direction === 'INTERNAL' && <span class="tag">{t('note')}</span>}
      {message.content && <p class="text">{message.content}</p>}
      {message.media && <p class="text">{t('media', { name: message.media.fileName ?? message.type })}</p>}
      <span class="meta">
        <time dateTime={message.messageAt}>{formatTime(message.messageAt)}</time>
        {message.direction === 'OUTBOUND' && message.externalStatus && (
          <span class={`delivery delivery-${message.externalStatus}`} title={message.errorMessage ?? undefined}>
            {t(`delivery_${message.externalStatus}`)}
          </span>
        )}
      </span>
    </li>
  );
}

export function ConversationView({ id }: { id: string }) {
  const conversation = conversations.value?.find((c) => c.id === id);
  const list = messages.value[id];
  const draft = useSignal('');
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    loadMessages(id).catch((error: unknown) => {
      problem.value = t('unexpectedError', { status: error instanceof ApiError ? error.status : '?' });
    });
  }, [id]);
  const count = list?.length ?? 0;
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [count]);

  const send = async () => {
    const text = draft.value.trim();
    if (!text || busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      await sendText(id, text, clientId());
      draft.value = '';
    } catch (error) {
      problem.value = t('sendFailed', { reason: error instanceof ApiError ? error.message : String(error) });
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="conversation-view" aria-labelledby="conversation-title">
      <header class="conversation-header">
        <button type="button" class="back" onClick={() => navigate('/')}>
          {t('back')}
        </button>
        <h2 id="conversation-title">{conversation ? displayName(conversation) : t('loading')}</h2>
        {conversation && <span class={`status status-${conversation.status}`}>{t(`status_${conversation.status}`)}</span>}
      </header>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the history scrolls, so the keyboard must reach it (axe: scrollable-region-focusable) */}
      <div class="log" role="log" aria-label={t('messages')} ref={log} tabIndex={0}>
        {list === undefined ? (
          <p aria-busy="true">{t('loading')}</p>
        ) : list.length === 0 ? (
          <p class="empty">{t('noMessages')}</p>
        ) : (
          <ol class="messages">
            {list.map((m) => (
              <MessageItem key={m.id} message={m} />
            ))}
          </ol>
        )}
      </div>
      <form
        class="composer"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        {problem.value && (
          <p class="problem" role="alert">
            {problem.value}
          </p>
        )}
        <label for="composer-text" class="visually-hidden">
          {t('message')}
        </label>
        <textarea
          id="composer-text"
          rows={2}
          value={draft.value}
          onInput={(e) => {
            draft.value = (e.currentTarget as HTMLTextAreaElement).value;
          }}
          onKeyDown={(event) => {
            // Enter sends; Shift+Enter breaks the line (and an IME composing text keeps its Enter).
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit" class="primary" disabled={busy.value} aria-busy={busy.value}>
          {t('send')}
        </button>
      </form>
    </section>
  );
}
