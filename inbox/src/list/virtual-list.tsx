import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Conversation } from '../api.ts';
import { formatTime, t } from '../i18n.ts';
import { people } from '../list-state.ts';

/** Every row is this tall (list.css says the same): the list places rows by index, without measuring them. */
export const ROW_HEIGHT = 64;
/** Rows rendered beyond each edge of the viewport, so a quick scroll shows no blank. */
const OVERSCAN = 8;
/** When the rendered rows come this close to the end of the loaded ones, the next page is asked for. */
const LOAD_AHEAD = 30;

export function displayName(c: Conversation): string {
  if (c.isGroup) return t('group');
  const person = c.personId ? (people.value[c.personId] ?? c.person ?? undefined) : undefined;
  return person?.name || (person?.phoneNumber ? `+${person.phoneNumber}` : t('unknownPerson'));
}

interface Props {
  rows: Conversation[];
  selected: string | null;
  hasMore: boolean;
  onNearEnd: () => void;
  onOpen: (id: string) => void;
}

/**
 * A listbox of fixed-height rows of which only those near the viewport are in the DOM. It keeps
 * the listbox semantics: one Tab stop (roving tabindex), `aria-setsize`/`aria-posinset` for the
 * rows not rendered, and the keyboard — arrows, Home/End, PageUp/PageDown — reaches rows outside
 * the viewport by scrolling them in first, then focusing them. Enter (or Space) opens.
 */
export function VirtualList({ rows, selected, hasMore, onNearEnd, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(ROW_HEIGHT * 12);
  const [active, setActive] = useState<string | null>(null);
  const focusAfterRender = useRef(false);
  const frame = useRef<number | null>(null);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight || viewport);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    };
  }, []);

  // The roving tab stop: the row the keyboard last reached, else the open conversation, else the first.
  const activeId = active && rows.some((c) => c.id === active) ? active : selected && rows.some((c) => c.id === selected) ? selected : (rows[0]?.id ?? null);
  const activeIndex = activeId ? rows.findIndex((c) => c.id === activeId) : -1;

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const indexes: number[] = [];
  // The tab stop stays in the DOM when it is scrolled away, so focus is never lost to the page.
  if (activeIndex !== -1 && activeIndex < first) indexes.push(activeIndex);
  for (let i = first; i < last; i++) indexes.push(i);
  if (activeIndex !== -1 && activeIndex >= last) indexes.push(activeIndex);

  useEffect(() => {
    if (hasMore && last >= rows.length - LOAD_AHEAD) onNearEnd();
  }, [hasMore, last, rows.length]);

  // Read before this render reaches the DOM: a focused row that a live update moves (a node
  // re-inserted loses focus) gets it back after the commit.
  const focused = document.activeElement as HTMLElement | null;
  const focusedRow = focused && scroller.current?.contains(focused) ? (focused.dataset.id ?? null) : null;

  useLayoutEffect(() => {
    if (focusAfterRender.current && activeId) {
      focusAfterRender.current = false;
      document.getElementById(`conversation-${activeId}`)?.focus({ preventScroll: true });
    } else if (focusedRow && (document.activeElement === document.body || document.activeElement === null)) {
      document.getElementById(`conversation-${focusedRow}`)?.focus({ preventScroll: true });
    }
  });

  const onScroll = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      if (scroller.current) setScrollTop(scroller.current.scrollTop);
    });
  };

  const moveTo = (index: number) => {
    if (rows.length === 0) return;
    const target = Math.max(0, Math.min(rows.length - 1, index));
    const el = scroller.current;
    if (el) {
      const top = target * ROW_HEIGHT;
      let next = el.scrollTop;
      if (top < next) next = top;
      else if (top + ROW_HEIGHT > next + el.clientHeight) next = top + ROW_HEIGHT - el.clientHeight;
      if (next !== el.scrollTop) {
        el.scrollTop = next;
        setScrollTop(el.scrollTop);
      }
    }
    focusAfterRender.current = true;
    setActive(rows[target].id);
  };

  const pageSize = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
  const onKeyDown = (event: KeyboardEvent) => {
    const id = (event.target as HTMLElement | null)?.dataset?.id;
    const index = id ? rows.findIndex((c) => c.id === id) : activeIndex;
    if (event.key === 'ArrowDown') moveTo(index + 1);
    else if (event.key === 'ArrowUp') moveTo(index - 1);
    else if (event.key === 'Home') moveTo(0);
    else if (event.key === 'End') moveTo(rows.length - 1);
    else if (event.key === 'PageDown') moveTo(index + pageSize);
    else if (event.key === 'PageUp') moveTo(index - pageSize);
    else if ((event.key === 'Enter' || event.key === ' ') && id) onOpen(id);
    else return;
    event.preventDefault();
  };

  const setSize = hasMore ? -1 : rows.length;
  return (
    <div class="conversation-scroller" ref={scroller} onScroll={onScroll}>
      <div
        class="conversations"
        role="listbox"
        aria-label={t('conversations')}
        aria-busy={hasMore && rows.length === 0}
        style={{ height: `${rows.length * ROW_HEIGHT}px` }}
      >
        {indexes.map((i) => {
          const c = rows[i];
          return (
            <div
              key={c.id}
              id={`conversation-${c.id}`}
              data-id={c.id}
              role="option"
              aria-selected={c.id === selected}
              aria-setsize={setSize}
              aria-posinset={i + 1}
              tabIndex={c.id === activeId ? 0 : -1}
              class={`conversation${c.unreadCount > 0 ? ' has-unread' : ''}`}
              style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}
              onClick={() => {
                setActive(c.id);
                onOpen(c.id);
              }}
              onKeyDown={onKeyDown}
            >
              <span class="name">{displayName(c)}</span>
              {c.unreadCount > 0 && <span class="unread">{t('unread', { count: c.unreadCount })}</span>}
              <span class="meta">
                <span class={`status status-${c.status}`}>{t(`status_${c.status}`)}</span>
                {c.isFixed && <span class="pinned">{t('pinned')}</span>}
                <time dateTime={c.lastActivityAt}>{formatTime(c.lastActivityAt)}</time>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
