import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, type Conversation } from '../../api.ts';
import { t } from '../../i18n.ts';
import { navigate, session } from '../../state.ts';
import { assignTo, handToQueue, markUnread, resolve, setPinned, setTags } from '../actions.ts';
import { loadLookups, loadTags, roles, tagsByInbox, users } from './lookups.ts';
import { type MenuEntry, MenuButton } from './menu.tsx';

/**
 * The conversation's actions as one toolbar (WAI-ARIA APG): Tab reaches it once, Left and Right
 * (Home, End) move between its controls. *Take over* is the composer's.
 */
export function ActionsToolbar({ conversation }: { conversation: Conversation }) {
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  const bar = useRef<HTMLDivElement>(null);
  const current = useRef(0);
  const intendedTags = useRef<{ conversationId: string; tagIds: string[] } | null>(null);
  const tagQueue = useRef<Promise<unknown>>(Promise.resolve());

  const controls = () => Array.from(bar.current?.querySelectorAll<HTMLElement>('[data-toolbar-item]') ?? []);
  const roving = () => {
    const list = controls();
    current.current = Math.min(current.current, list.length - 1);
    list.forEach((el, i) => {
      el.tabIndex = i === current.current ? 0 : -1;
    });
  };
  useEffect(roving);

  const run = async (work: () => Promise<unknown>) => {
    busy.value = true;
    problem.value = null;
    try {
      await work();
    } catch (error) {
      problem.value = t('actionFailed', { reason: error instanceof ApiError ? error.message : String(error) });
    } finally {
      busy.value = false;
    }
  };

  const me = session.value?.user;
  const assignEntries: MenuEntry[] | null = users.value && [
    ...(me
      ? [
          {
            key: `user:${me.id}`,
            label: t('assignMe'),
            checked: conversation.assigneeUserId === me.id,
            onSelect: () => run(() => assignTo(conversation.id, me.id)),
          },
        ]
      : []),
    { key: 'nobody', label: t('assignNobody'), checked: conversation.assigneeUserId === null, onSelect: () => run(() => assignTo(conversation.id, null)) },
    ...users.value
      .filter((u) => u.id !== me?.id)
      .map((u) => ({
        key: `user:${u.id}`,
        label: u.name,
        checked: conversation.assigneeUserId === u.id,
        onSelect: () => run(() => assignTo(conversation.id, u.id)),
      })),
  ];

  const waiting = conversation.status === 'WAITING';
  const queueEntries: MenuEntry[] | null = roles.value && [
    { key: 'any', label: t('anyQueue'), checked: waiting && !conversation.roleId, onSelect: () => run(() => handToQueue(conversation, null)) },
    ...roles.value.map((r) => ({
      key: `role:${r.id}`,
      label: r.name,
      checked: waiting && conversation.roleId === r.id,
      onSelect: () => run(() => handToQueue(conversation, r.id)),
    })),
  ];

  const tagIds = conversation.tagIds ?? [];
  // Toggles faster than the server answers build on the previous toggle, not on the last answer,
  // and go out one after the other: ticking VIP then Lead in quick succession keeps both.
  const toggleTag = (tagId: string) => {
    const pending = intendedTags.current?.conversationId === conversation.id ? intendedTags.current : null;
    const base = pending?.tagIds ?? tagIds;
    const intended = { conversationId: conversation.id, tagIds: base.includes(tagId) ? base.filter((id) => id !== tagId) : [...base, tagId] };
    intendedTags.current = intended;
    tagQueue.current = tagQueue.current.then(() =>
      run(() => setTags(intended.conversationId, intended.tagIds)).finally(() => {
        if (intendedTags.current === intended) intendedTags.current = null;
      }),
    );
  };
  const inboxTags = tagsByInbox.value[conversation.inboxId];
  const tagEntries: MenuEntry[] | null =
    inboxTags?.map((tag) => ({
      key: `tag:${tag.id}`,
      label: tag.name,
      checked: tagIds.includes(tag.id),
      onSelect: () => toggleTag(tag.id),
    })) ?? null;

  const pinned = conversation.isFixed === true;

  return (
    <div class="actions">
      <div
        class="toolbar"
        role="toolbar"
        aria-label={t('conversationActions')}
        aria-busy={busy.value}
        ref={bar}
        onFocusIn={(event) => {
          const index = controls().indexOf(event.target as HTMLElement);
          if (index >= 0 && index !== current.current) {
            current.current = index;
            roving();
          }
        }}
        onKeyDown={(event) => {
          const list = controls();
          const index = list.indexOf(document.activeElement as HTMLElement);
          if (index < 0) return;
          const to =
            event.key === 'ArrowRight'
              ? (index + 1) % list.length
              : event.key === 'ArrowLeft'
                ? (index - 1 + list.length) % list.length
                : event.key === 'Home'
                  ? 0
                  : event.key === 'End'
                    ? list.length - 1
                    : -1;
          if (to < 0) return;
          event.preventDefault();
          list[to].focus();
        }}
      >
        <MenuButton label={t('handToQueue')} title={t('handToQueue')} kind="radio" entries={queueEntries} empty={t('loading')} onOpen={loadLookups} />
        <MenuButton label={t('assignAction')} title={t('assignAction')} kind="radio" entries={assignEntries} empty={t('loading')} onOpen={loadLookups} />
        <MenuButton
          label={t('editTags')}
          title={t('editTags')}
          kind="checkbox"
          entries={tagEntries}
          empty={inboxTags ? t('noTags') : t('loading')}
          onOpen={() => loadTags(conversation.inboxId)}
        />
        <button type="button" data-toolbar-item="" aria-pressed={pinned} onClick={() => void run(() => setPinned(conversation.id, !pinned))}>
          {t('pinAction')}
        </button>
        <button
          type="button"
          data-toolbar-item=""
          onClick={() =>
            void run(async () => {
              await markUnread(conversation.id);
              // Left open, it would be read again: back to the list, on the conversation just marked.
              navigate('/');
              requestAnimationFrame(() => document.getElementById(`conversation-${conversation.id}`)?.focus());
            })
          }
        >
          {t('markUnread')}
        </button>
        <button type="button" class="primary" data-toolbar-item="" onClick={() => void run(() => resolve(conversation.id))}>
          {t('actionResolve')}
        </button>
      </div>
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
    </div>
  );
}
