import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type Conversation, type Page, type Person } from '../../api.ts';
import { formatTime, t } from '../../i18n.ts';
import { applyConversation } from '../../list-state.ts';
import { navigate } from '../../state.ts';
import { inboxes, nameOf } from '../header/lookups.ts';

/**
 * The person's other conversations. People are per inbox (one conversation each), so "the same person"
 * is the same phone number in the inboxes the agent sees: their conversations, newest first.
 */
export function OtherConversations({ person, currentId }: { person: Person; currentId: string }) {
  const others = useSignal<Conversation[] | null>(null);
  useEffect(() => {
    let stale = false;
    (async () => {
      const same = person.phoneNumber
        ? (await api<Page<Person>>('GET', `/api/v1/people?phoneNumber=${encodeURIComponent(person.phoneNumber)}&limit=200`)).data
        : [person];
      const ids = [...new Set([person.id, ...same.map((p) => p.id)])];
      const pages = await Promise.all(ids.map((id) => api<Page<Conversation>>('GET', `/api/v1/conversations?personId=${encodeURIComponent(id)}&limit=50`)));
      const found = pages.flatMap((p) => p.data).filter((c) => c.id !== currentId);
      found.sort((a, b) => (a.lastActivityAt < b.lastActivityAt ? 1 : -1));
      if (!stale) others.value = found;
    })().catch(() => {
      if (!stale) others.value = [];
    });
    return () => {
      stale = true;
    };
  }, [person.id, person.phoneNumber, currentId]);

  return (
    <section class="other-conversations" aria-labelledby="other-conversations-title">
      <h3 id="other-conversations-title">{t('otherConversations')}</h3>
      {others.value === null ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : others.value.length === 0 ? (
        <p class="empty">{t('noOtherConversations')}</p>
      ) : (
        <ul>
          {others.value.map((c) => (
            <li key={c.id}>
              <a
                href={`/conversations/${encodeURIComponent(c.id)}`}
                onClick={(event) => {
                  event.preventDefault();
                  applyConversation(c);
                  navigate(`/conversations/${encodeURIComponent(c.id)}`);
                }}
              >
                {nameOf(inboxes.value, c.inboxId) ?? t('otherConversationFallback')}
              </a>{' '}
              <span class="meta">
                {t(`status_${c.status}`)} · <time dateTime={c.lastActivityAt}>{formatTime(c.lastActivityAt)}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
