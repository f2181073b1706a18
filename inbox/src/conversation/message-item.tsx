import type { Message } from '../api.ts';
import { t } from '../i18n.ts';
import { DeliveryBadge, Failure } from './history/delivery.tsx';
import { fullTime, timeOfDay } from './history/days.ts';
import { ContactCard, ForwardedMark, LocationCard, Reactions, locationOf } from './history/extras.tsx';
import { MediaPreview } from './history/media.tsx';
import { Quote } from './history/quote.tsx';
import { replyTo } from './reply-state.ts';

const MEDIA = ['image', 'audio', 'video', 'document', 'sticker'];

/** Replying: the composer shows the quote, and the agent types straight away. */
function reply(message: Message): void {
  replyTo(message.conversationId, message);
  const box = document.getElementById('composer-text') ?? document.querySelector<HTMLTextAreaElement>('.composer textarea');
  box?.focus();
}

/** What the message says, by type: media keep their caption (their content is the file's URL), cards their fields. */
function Body({ message }: { message: Message }) {
  const location = locationOf(message);
  if (location) return <LocationCard location={location} />;
  if (message.type === 'contact' && message.contact) return <ContactCard contact={message.contact} />;
  if (MEDIA.includes(message.type)) {
    const caption = message.media?.caption;
    return (
      <>
        {/* What the preview is, for screen readers (and the file's name where the preview does not show it). */}
        <span class="visually-hidden">{t('media', { name: message.media?.fileName ?? message.type })}</span>
        {message.media && <MediaPreview message={message} media={message.media} />}
        {caption && <p class="text caption">{caption}</p>}
      </>
    );
  }
  if (message.type === 'unsupported') {
    const type = (message.metadata?.unsupportedType ?? message.metadata?.originalType ?? t('historyUnknownType')) as string;
    return <p class="text unsupported">{t('historyUnsupported', { type })}</p>;
  }
  if (message.type === 'template') return <p class="text">{t('historyTemplate', { name: message.content ?? '' })}</p>;
  if (message.type === 'location')
    return (
      <p class="text">
        <span class="card-kind">{t('historyLocation')}: </span>
        {message.content}
      </p>
    );
  return message.content ? <p class="text">{message.content}</p> : null;
}

/** One message of the history: who (by side), what, when, and for outbound messages their delivery. */
export function MessageItem({ message, quoted }: { message: Message; quoted: Message | null }) {
  const system = message.direction === 'INTERNAL' && !!message.metadata?.system;
  const kind = message.direction === 'INBOUND' ? 'inbound' : message.direction === 'OUTBOUND' ? 'outbound' : system ? 'system' : 'internal';
  const conversational = message.direction !== 'INTERNAL';
  const failed = message.direction === 'OUTBOUND' && message.externalStatus === 'failed';
  return (
    <li class={`message ${kind}${failed ? ' failed' : ''}`} id={`message-${message.id}`} data-id={message.id} tabIndex={-1}>
      {kind === 'internal' && <span class="tag">{t('note')}</span>}
      {kind === 'system' && <span class="tag">{t('historySystem')}</span>}
      <ForwardedMark message={message} />
      {message.quotedMessageId && <Quote quoted={quoted} />}
      <Body message={message} />
      <Reactions message={message} />
      <span class="meta">
        <time dateTime={message.messageAt} title={fullTime(message.messageAt)}>
          {timeOfDay(message.messageAt)}
        </time>
        {message.direction === 'OUTBOUND' && <DeliveryBadge message={message} />}
      </span>
      {failed && <Failure message={message} />}
      {conversational && (
        <div class="message-actions">
          <button type="button" class="reply" onClick={() => reply(message)}>
            {t('historyReply')}
          </button>
        </div>
      )}
    </li>
  );
}
