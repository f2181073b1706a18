import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type Page } from '../../api.ts';
import { t } from '../../i18n.ts';

export interface SavedReply {
  id: string;
  shortcut: string;
  text: string;
}

/** `/` and a shortcut's start, alone in the box: the saved replies open. */
const TYPED_SHORTCUT = /^\/([a-z0-9_-]{0,65})$/i;
export const LISTBOX_ID = 'composer-saved-replies';
export const optionId = (index: number) => `composer-saved-reply-${index}`;

/** `{{name}}` filled with the person's first name (empty when the name is not known). */
export function fillReply(text: string, personName: string | null | undefined): string {
  const first = (personName ?? '').trim().split(/\s+/)[0] ?? '';
  return text.replace(/\{\{\s*name\s*\}\}/gi, first);
}

/** The saved replies matching what the agent typed after `/`, newest answer only; Escape dismisses them for this text. */
export function useSavedReplies(draft: string) {
  const items = useSignal<SavedReply[]>([]);
  const loadedFor = useSignal<string | null>(null);
  const active = useSignal(0);
  const dismissedAt = useSignal<string | null>(null);
  const match = TYPED_SHORTCUT.exec(draft);
  const query = match ? match[1].toLowerCase() : null;
  useEffect(() => {
    if (query === null) return;
    let stale = false;
    const search = query ? `&search=${encodeURIComponent(query)}` : '';
    api<Page<SavedReply>>('GET', `/api/v1/saved-replies?limit=20${search}`)
      .then((page) => {
        if (stale) return;
        items.value = page.data;
        active.value = 0;
        loadedFor.value = query;
      })
      .catch(() => {
        if (stale) return;
        items.value = [];
        loadedFor.value = query;
      });
    return () => {
      stale = true;
    };
  }, [query]);
  const open = query !== null && dismissedAt.value !== draft && loadedFor.value === query;
  return {
    query,
    open,
    /** Open with options to choose from (aria-expanded). */
    expanded: open && items.value.length > 0,
    items: items.value,
    active: Math.min(active.value, Math.max(items.value.length - 1, 0)),
    move(step: number) {
      const n = items.value.length;
      if (n > 0) active.value = (active.value + step + n) % n;
    },
    select(index: number) {
      active.value = index;
    },
    dismiss() {
      dismissedAt.value = draft;
    },
  };
}

export function SavedRepliesPopup({ state, onChoose }: { state: ReturnType<typeof useSavedReplies>; onChoose: (reply: SavedReply) => void }) {
  return (
    <div class="saved-replies" hidden={!state.open}>
      <div id={LISTBOX_ID} role="listbox" aria-label={t('composer_savedReplies')} hidden={!state.expanded}>
        {state.expanded &&
          state.items.map((reply, index) => (
            // biome-ignore lint/a11y/useFocusableInteractive: options are chosen from the textbox (arrows, Enter, Tab), which keeps the focus
            <div
              key={reply.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === state.active}
              class={index === state.active ? 'active' : undefined}
              onMouseDown={(event) => {
                // Keep the focus in the box: the choice is inserted there.
                event.preventDefault();
                onChoose(reply);
              }}
              onMouseMove={() => state.select(index)}
            >
              <span class="shortcut">/{reply.shortcut}</span>
              <span class="preview">{reply.text}</span>
            </div>
          ))}
      </div>
      {state.open && !state.expanded && <p class="saved-replies-empty">{t('composer_noSavedReplies', { query: state.query ?? '' })}</p>}
    </div>
  );
}
