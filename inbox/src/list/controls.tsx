import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationStatus } from '../api.ts';
import { t } from '../i18n.ts';
import { listQuery, setListQuery } from '../list-state.ts';
import { inboxOptions, tagOptions } from './options.ts';
import { STATUSES, statusFilterApplies, VIEWS, type View } from './query.ts';

export const PANEL_ID = 'conversation-panel';
const SEARCH_DEBOUNCE_MS = 300;

/** The views as tabs: one Tab stop, the arrow keys (and Home/End) move and choose. */
function ViewTabs() {
  const current = listQuery.value.view;
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const choose = (view: View, focus: boolean) => {
    setListQuery({ view });
    if (focus) refs.current[view]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const index = VIEWS.indexOf(current);
    let next: number;
    if (event.key === 'ArrowRight') next = (index + 1) % VIEWS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + VIEWS.length) % VIEWS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = VIEWS.length - 1;
    else return;
    event.preventDefault();
    choose(VIEWS[next], true);
  };
  return (
    <div class="views" role="tablist" aria-label={t('listViews')} onKeyDown={onKeyDown}>
      {VIEWS.map((view) => (
        <button
          key={view}
          ref={(el) => {
            refs.current[view] = el;
          }}
          type="button"
          role="tab"
          id={`view-${view}`}
          aria-selected={view === current}
          aria-controls={PANEL_ID}
          tabIndex={view === current ? 0 : -1}
          onClick={() => choose(view, false)}
        >
          {t(`view_${view}`)}
        </button>
      ))}
    </div>
  );
}

/** Typing searches after a short pause; the server matches the person's name or phone. */
function SearchBox() {
  const [text, setText] = useState(listQuery.value.search);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const onInput = (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setText(value);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setListQuery({ search: value.trim() }), SEARCH_DEBOUNCE_MS);
  };
  return (
    <input
      class="list-search"
      type="search"
      aria-label={t('searchConversations')}
      placeholder={t('searchPlaceholder')}
      value={text}
      onInput={onInput}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          if (timer.current) clearTimeout(timer.current);
          setListQuery({ search: (event.currentTarget as HTMLInputElement).value.trim() });
        }
      }}
    />
  );
}

function Filter({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: preact.ComponentChildren;
}) {
  return (
    <span class="filter">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange((event.currentTarget as HTMLSelectElement).value)}>
        {children}
      </select>
    </span>
  );
}

/** The views, the search box and the filters above the list. */
export function ListControls() {
  const q = listQuery.value;
  const inboxes = inboxOptions.value;
  const tags = tagOptions.value;
  return (
    <div class="list-controls">
      <ViewTabs />
      <SearchBox />
      <div class="filters">
        {inboxes && inboxes.length > 1 && (
          <Filter id="filter-inbox" label={t('filterInbox')} value={q.inboxId ?? ''} onChange={(v) => setListQuery({ inboxId: v || null })}>
            <option value="">{t('allInboxes')}</option>
            {inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </Filter>
        )}
        {tags && tags.length > 0 && (
          <Filter id="filter-tag" label={t('filterTag')} value={q.tagId ?? ''} onChange={(v) => setListQuery({ tagId: v || null })}>
            <option value="">{t('allTags')}</option>
            {tags.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {tag.name}
              </option>
            ))}
          </Filter>
        )}
        {statusFilterApplies(q.view) && (
          <Filter
            id="filter-status"
            label={t('filterStatus')}
            value={q.status ?? ''}
            onChange={(v) => setListQuery({ status: (v || null) as ConversationStatus | null })}
          >
            <option value="">{t('anyStatus')}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status_${status}`)}
              </option>
            ))}
          </Filter>
        )}
      </div>
    </div>
  );
}
