import { useEffect } from 'preact/hooks';
import { t } from '../i18n.ts';
import { conversations, ensureConversation, listError, listQuery, loadingMore, loadMore, moreError, nextCursor } from '../list-state.ts';
import { ListControls, PANEL_ID } from '../list/controls.tsx';
import { loadFilterOptions } from '../list/options.ts';
import { querySearchString } from '../list/query.ts';
import { VirtualList } from '../list/virtual-list.tsx';
import { navigate, path } from '../state.ts';

export { displayName } from '../list/virtual-list.tsx';

const open = (id: string) => navigate(`/conversations/${encodeURIComponent(id)}`);

/** The address bar keeps the list's query on the list's own pages, so a reload shows the same view. */
function useQueryInAddressBar(): void {
  const current = path.value;
  const search = querySearchString(listQuery.value);
  useEffect(() => {
    if (current !== '/' && !current.startsWith('/conversations/')) return;
    if (location.pathname === current && location.search !== search) history.replaceState(history.state, '', `${current}${search}${location.hash}`);
  }, [current, search]);
}

function ListBody({ selected }: { selected: string | null }) {
  const list = conversations.value;
  const q = listQuery.value;
  if (listError.value) return <p class="problem">{t('unexpectedError', { status: listError.value.status })}</p>;
  if (list === null) return <p aria-busy="true">{t('loading')}</p>;
  if (list.length === 0) {
    const filtered = q.view !== 'all' || q.inboxId || q.tagId || q.status || q.search.trim();
    return <p class="empty">{filtered ? t('noMatches') : t('noConversations')}</p>;
  }
  return (
    <>
      <VirtualList
        rows={list}
        selected={selected}
        hasMore={nextCursor.value !== null}
        onNearEnd={() => {
          // After a failed page, the button asks again; scrolling does not retry in a loop.
          if (!moreError.value) void loadMore();
        }}
        onOpen={open}
      />
      {moreError.value && (
        <p class="problem loading-more">
          {t('unexpectedError', { status: moreError.value.status })}{' '}
          <button type="button" onClick={() => void loadMore()}>
            {t('tryAgain')}
          </button>
        </p>
      )}
      {loadingMore.value && (
        <p class="loading-more" aria-busy="true">
          {t('loadingMore')}
        </p>
      )}
    </>
  );
}

/**
 * The conversation list (inbox.md §4.2): views as tabs, search, filters, and a virtualised listbox
 * that follows the event stream under the current view.
 */
export function ConversationList({ selected }: { selected: string | null }) {
  useQueryInAddressBar();
  useEffect(() => {
    void loadFilterOptions();
  }, []);
  useEffect(() => {
    if (selected) void ensureConversation(selected);
  }, [selected]);
  const view = listQuery.value.view;
  return (
    <div class="list">
      <ListControls />
      <div class="list-panel" id={PANEL_ID} role="tabpanel" aria-labelledby={`view-${view}`}>
        <ListBody key={querySearchString(listQuery.value)} selected={selected} />
      </div>
    </div>
  );
}
