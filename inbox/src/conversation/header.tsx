import type { Conversation } from '../api.ts';
import { displayName } from '../components/conversation-list.tsx';
import { t } from '../i18n.ts';
import { navigate } from '../state.ts';

/** The conversation's person, channel, status, assignee and tags, and its actions. */
export function ConversationHeader({ conversation }: { conversation: Conversation | undefined }) {
  return (
    <header class="conversation-header">
      <button type="button" class="back" onClick={() => navigate('/')}>
        {t('back')}
      </button>
      <h2 id="conversation-title">{conversation ? displayName(conversation) : t('loading')}</h2>
      {conversation && <span class={`status status-${conversation.status}`}>{t(`status_${conversation.status}`)}</span>}
    </header>
  );
}
