import type { Message } from '../../api.ts';
import { t } from '../../i18n.ts';

const MEDIA = ['image', 'audio', 'video', 'document', 'sticker'];

/** A few words of a message, for a reply's quote. */
export function snippetOf(message: Message): string {
  const text = MEDIA.includes(message.type)
    ? (message.media?.caption ?? message.media?.fileName ?? t('historyQuotedMedia'))
    : message.type === 'contact'
      ? (message.contact?.name ?? message.contact?.phoneNumber ?? '')
      : (message.content ?? '');
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** Takes the agent to a message of the log: scrolled into view, focused, briefly highlighted. */
export function showMessage(id: string): void {
  const element = document.getElementById(`message-${id}`);
  if (!element) return;
  element.scrollIntoView({ block: 'center' });
  element.focus({ preventScroll: true });
  element.classList.remove('flash');
  // Restarts the highlight; it clears itself when its animation ends.
  void element.offsetWidth;
  element.classList.add('flash');
  element.addEventListener('animationend', () => element.classList.remove('flash'), { once: true });
}

/** The message this one replies to: a link to it when it is loaded, else a plain mention. */
export function Quote({ quoted }: { quoted: Message | null }) {
  if (!quoted)
    return (
      <p class="quote quote-missing">
        <span class="quote-label">{t('historyQuotedEarlier')}</span>
      </p>
    );
  return (
    <a
      class="quote"
      href={`#message-${quoted.id}`}
      onClick={(event) => {
        event.preventDefault();
        showMessage(quoted.id);
      }}
    >
      <span class="quote-label">{t('historyQuoted')}</span>
      <span class="quote-text">{snippetOf(quoted) || t('historyQuotedMedia')}</span>
    </a>
  );
}
