import type { Message } from '../api.ts';
import { formatTime, t } from '../i18n.ts';

export function MessageItem({ message }: { message: Message }) {
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
