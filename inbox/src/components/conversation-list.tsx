import type { Conversation } from '../api.ts';
import { formatTime, t } from '../i18n.ts';
import { conversations, listError, people } from '../list-state.ts';
import { navigate } from '../state.ts';

export function displayName(c: Conversation): string {
  if (c.isGroup) return t('group');
  const person = c.personId ? people.value[c.personId] : undefined;
  return person?.name || (person?.phoneNumber ? `+${person.phoneNumber}` : t('unknownPerson'));
}

const open = (id: string) => navigate(`/conversations/${encodeURIComponent(id)}`);

/**
 * A listbox: Tab reaches it once, the arrow keys move between conversations (Home and End jump),
 * Enter or a click opens one.
 */
export function ConversationList({ selected }: { selected: string | null }) {
  const list = conversations.value;
  if (listError.value) return <p class="problem">{t('unexpectedError', { status: listError.value.status })}</p>;
  if (list === null) return <p aria-busy="true">{t('loading')}</p>;
  if (list.length === 0) return <p class="empty">{t('noConversations')}</p>;
  const focusOption = (index: number) => {
    const target = list[Math.max(0, Math.min(list.length - 1, index))];
    document.getElementById(`conversation-${target.id}`)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const id = (document.activeElement as HTMLElement | null)?.dataset.id;
    const index = list.findIndex((c) => c.id === id);
    if (event.key === 'ArrowDown') focusOption(index + 1);
    else if (event.key === 'ArrowUp') focusOption(index - 1);
    else if (event.key === 'Home') focusOption(0);
    else if (event.key === 'End') focusOption(list.length - 1);
    else if ((event.key === 'Enter' || event.key === ' ') && id) open(id);
    else return;
    event.preventDefault();
  };
  const focusable = selected && list.some((c) => c.id === selected) ? selected : list[0].id;
  return (
    <div class="conversations" role="listbox" aria-label={t('conversations')}>
      {list.map((c) => (
        <div
          key={c.id}
          id={`conversation-${c.id}`}
          data-id={c.id}
          role="option"
          aria-selected={c.id === selected}
          tabIndex={c.id === focusable ? 0 : -1}
          class="conversation"
          onClick={() => open(c.id)}
          onKeyDown={onKeyDown}
        >
          <span class="name">{displayName(c)}</span>
          <span class="meta">
            <span class={`status status-${c.status}`}>{t(`status_${c.status}`)}</span>
            <time dateTime={c.lastActivityAt}>{formatTime(c.lastActivityAt)}</time>
          </span>
          {c.unreadCount > 0 && <span class="unread">{t('unread', { count: c.unreadCount })}</span>}
        </div>
      ))}
    </div>
  );
}
