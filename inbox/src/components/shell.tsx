import { useEffect } from 'preact/hooks';
import type { Session } from '../api.ts';
import { t } from '../i18n.ts';
import { liveStatus, resync, startLive, stopLive } from '../live.ts';
import { ConversationView } from '../conversation/view.tsx';
import { loadConversations } from '../list-state.ts';
import { loadMessages } from '../messages-state.ts';
import { path, selectedId, signOut } from '../state.ts';
import { ConversationList } from './conversation-list.tsx';

import { Settings } from '../settings/settings.tsx';
import { LanguageSwitcher } from './language.tsx';

export function Shell({ session }: { session: Session }) {
  useEffect(() => {
    void loadConversations();
    resync.handler = () => {
      void loadConversations();
      const open = selectedId(path.value);
      if (open) void loadMessages(open).catch(() => {});
    };
    startLive();
    return stopLive;
  }, []);
  const selected = selectedId(path.value);
  if (path.value.startsWith('/settings')) return <Settings />;
  return (
    <div class={`shell${selected ? ' has-selection' : ''}`}>
      <a class="skip" href="#content">
        {t('skipToContent')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        <span class="who">{[session.user.name ?? session.user.email, session.workspace.name].filter(Boolean).join(' · ')}</span>
        <span role="status" class="live-status" data-live={liveStatus.value}>
          {liveStatus.value === 'reconnecting' ? t('reconnecting') : ''}
        </span>
        <LanguageSwitcher />
        <button type="button" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
      </header>
      <nav class="list-pane" aria-label={t('conversations')}>
        <ConversationList selected={selected} />
      </nav>
      <main id="content" class="conversation-pane" tabIndex={-1}>
        {selected ? <ConversationView key={selected} id={selected} /> : <p class="empty">{t('selectConversation')}</p>}
      </main>
    </div>
  );
}
