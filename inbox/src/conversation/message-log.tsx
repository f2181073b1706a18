import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { loadMessages, messages } from '../messages-state.ts';
import { MessageItem } from './message-item.tsx';

/** The history, oldest to newest, kept scrolled to the newest message. */
export function MessageLog({ id }: { id: string }) {
  const list = messages.value[id];
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
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the history scrolls, so the keyboard must reach it (axe: scrollable-region-focusable)
    <div class="log" role="log" aria-label={t('messages')} ref={log} tabIndex={0}>
      {problem.value ? (
        <p class="problem">{problem.value}</p>
      ) : list === undefined ? (
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
  );
}
