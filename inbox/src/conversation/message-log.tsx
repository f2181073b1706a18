import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { ApiError, type Message } from '../api.ts';
import { t } from '../i18n.ts';
import { conversations } from '../list-state.ts';
import { loadMessages, loadOlder, loadingOlder, markRead, messages, olderCursor } from '../messages-state.ts';
import { session } from '../state.ts';
import { dayKey, dayLabel } from './history/days.ts';
import { ImageDialog } from './history/image-dialog.tsx';
import { MessageItem } from './message-item.tsx';

/** How close to an edge (px) counts as being there: at the bottom stays pinned, near the top loads older messages. */
const BOTTOM_SLACK = 48;
const TOP_SLACK = 300;

/** The id of the newest message the person sent. */
function lastInboundOf(list: Message[] | undefined): string | undefined {
  for (let i = (list?.length ?? 0) - 1; i >= 0; i--) if (list![i].direction === 'INBOUND') return list![i].id;
  return undefined;
}

const failure = (error: unknown) => (error instanceof ApiError ? error.status : '?');

/**
 * The history, oldest to newest, with day separators. It opens at the newest message; scrolling up
 * near the top loads the older pages (the view stays where it was); new messages keep it at the
 * bottom only when the agent was there (or sent them). Opening it, and each new message from the
 * person while the page is visible, marks the conversation read.
 */
export function MessageLog({ id }: { id: string }) {
  const list = messages.value[id];
  const cursor = olderCursor.value[id];
  const older = loadingOlder.value[id] ?? false;
  const problem = useSignal<string | null>(null);
  const olderProblem = useSignal<string | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Where the first shown message was before an older page went in above it. */
  const anchor = useRef<{ id: string; top: number } | null>(null);
  const shown = useRef<{ first?: string; last?: string }>({});
  /** The newest message of the person that the read covers; null until the log is loaded. */
  const readUpTo = useRef<string | undefined | null>(null);

  useEffect(() => {
    atBottom.current = true;
    anchor.current = null;
    shown.current = {};
    readUpTo.current = null;
    problem.value = null;
    olderProblem.value = null;
    const load = () =>
      loadMessages(id).then(
        () => {
          problem.value = null;
        },
        (error: unknown) => {
          problem.value = t('unexpectedError', { status: failure(error) });
        },
      );
    void load();
    markRead(id).catch(() => {});
    // A log that could not load (the browser was offline) loads again when the browser is back online.
    const retry = () => {
      if (problem.value) void load();
    };
    addEventListener('online', retry);
    return () => removeEventListener('online', retry);
  }, [id]);

  // A new message from the person while the conversation is open (and the page visible) is read too.
  const lastInbound = lastInboundOf(list);
  useEffect(() => {
    if (list === undefined) return;
    if (readUpTo.current === null) {
      readUpTo.current = lastInbound;
      return;
    }
    if (lastInbound === readUpTo.current || document.visibilityState !== 'visible') return;
    readUpTo.current = lastInbound;
    markRead(id).catch(() => {});
  }, [id, lastInbound, list === undefined]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      const unread = conversations.value?.find((c) => c.id === id)?.unreadCount ?? 0;
      const newest = lastInboundOf(messages.value[id]);
      if (unread > 0 || (readUpTo.current !== null && newest !== readUpTo.current)) {
        readUpTo.current = newest;
        markRead(id).catch(() => {});
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [id]);

  const requestOlder = () => {
    const element = log.current;
    if (!element || !olderCursor.value[id] || loadingOlder.value[id]) return;
    const first = element.querySelector<HTMLElement>('.message');
    anchor.current = first ? { id: first.dataset.id!, top: first.getBoundingClientRect().top - element.getBoundingClientRect().top } : null;
    olderProblem.value = null;
    loadOlder(id)
      .then((added) => {
        // Nothing went in above: there is no view to keep.
        if (!added) anchor.current = null;
      })
      .catch((error: unknown) => {
        anchor.current = null;
        olderProblem.value = t('historyOlderFailed', { status: failure(error) });
      });
  };

  // After each change: an older page keeps the view where it was; a new last message pins the bottom if the agent was there.
  useLayoutEffect(() => {
    const element = log.current;
    if (!element || !list) return;
    const first = list[0]?.id;
    const last = list[list.length - 1]?.id;
    const before = shown.current;
    if (anchor.current && first !== before.first) {
      const kept = document.getElementById(`message-${anchor.current.id}`);
      if (kept) element.scrollTop += kept.getBoundingClientRect().top - element.getBoundingClientRect().top - anchor.current.top;
      anchor.current = null;
    }
    if (last !== before.last) {
      const newest = list[list.length - 1] as Message | undefined;
      const mine = newest?.direction !== 'INBOUND' && !!newest?.senderUserId && newest.senderUserId === session.value?.user.id;
      if (before.last === undefined || atBottom.current || mine) {
        element.scrollTop = element.scrollHeight;
        atBottom.current = true;
      }
    }
    shown.current = { first, last };
    // A first page too short to scroll cannot be scrolled up: the next one is loaded at once.
    if (element.scrollHeight <= element.clientHeight + BOTTOM_SLACK && olderCursor.value[id] && !anchor.current) requestOlder();
  });

  const items: JSX.Element[] = [];
  if (list) {
    const byId = new Map(list.map((m) => [m.id, m]));
    let day = '';
    for (const m of list) {
      const key = dayKey(m.messageAt);
      if (key !== day) {
        day = key;
        items.push(
          <li key={`day-${key}`} class="day">
            <h3 class="day-label">{dayLabel(m.messageAt)}</h3>
          </li>,
        );
      }
      items.push(<MessageItem key={m.id} message={m} quoted={m.quotedMessageId ? (byId.get(m.quotedMessageId) ?? null) : null} />);
    }
  }

  const history = (
    <div
      class="log"
      role="log"
      data-conversation-id={id}
      aria-label={t('messages')}
      aria-busy={list === undefined || older}
      ref={log}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the history scrolls, so the keyboard must reach it (axe: scrollable-region-focusable)
      tabIndex={0}
      onScroll={() => {
        const element = log.current;
        if (!element) return;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK;
        if (element.scrollTop < TOP_SLACK) requestOlder();
      }}
    >
      {problem.value ? (
        <p class="problem">{problem.value}</p>
      ) : list === undefined ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : list.length === 0 ? (
        <p class="empty">{t('noMessages')}</p>
      ) : (
        <>
          <div class="history-top">
            {cursor ? (
              <button type="button" class="load-older" onClick={requestOlder} disabled={older} aria-busy={older}>
                {older ? t('historyLoadingOlder') : t('historyLoadOlder')}
              </button>
            ) : (
              <p class="history-start">{t('historyStart')}</p>
            )}
            {olderProblem.value && <p class="problem">{olderProblem.value}</p>}
          </div>
          <ol class="messages">{items}</ol>
        </>
      )}
    </div>
  );

  return (
    <>
      {history}
      <ImageDialog />
    </>
  );
}
