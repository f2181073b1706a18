import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface MenuEntry {
  key: string;
  label: ComponentChildren;
  /** For `radio` and `checkbox` menus: whether the entry is the current choice / is on. */
  checked?: boolean;
  onSelect: () => unknown;
}

let nextId = 0;

/**
 * A menu button (WAI-ARIA APG): Enter, Space or ArrowDown opens it on the current (or first) entry;
 * arrows, Home and End move; Enter or Space chooses; Escape closes and gives focus back to the button;
 * Tab or a click elsewhere closes it. A `checkbox` menu stays open while entries are toggled.
 */
export function MenuButton({
  label,
  title,
  kind,
  entries,
  empty,
  disabled = false,
  onOpen,
  buttonClass,
}: {
  label: ComponentChildren;
  /** The menu's accessible name (and the button's, when `label` is not text). */
  title: string;
  kind: 'radio' | 'checkbox' | 'plain';
  entries: MenuEntry[] | null;
  /** Shown when `entries` is empty (null: loading). */
  empty: string;
  disabled?: boolean;
  onOpen?: () => void;
  buttonClass?: string;
}) {
  const open = useSignal(false);
  const id = useRef(`menu-${++nextId}`).current;
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);

  const items = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[data-menu-item]') ?? []);
  const focusItem = (index: number) => {
    const list = items();
    if (list.length === 0) return;
    list[(index + list.length) % list.length].focus();
  };
  const close = (refocus: boolean) => {
    open.value = false;
    if (refocus) button.current?.focus();
  };
  const show = (at: 'current' | 'last' = 'current') => {
    onOpen?.();
    open.value = true;
    // The menu renders on the next frame; then the focus moves into it.
    requestAnimationFrame(() => {
      const list = items();
      if (at === 'last') return focusItem(list.length - 1);
      const current = list.findIndex((el) => el.getAttribute('aria-checked') === 'true');
      focusItem(kind === 'radio' && current >= 0 ? current : 0);
    });
  };

  useEffect(() => {
    if (!open.value) return;
    const outside = (event: MouseEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) close(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open.value]);

  // Entries that arrive while the menu is open (names still loading) take the focus from the placeholder.
  const count = entries?.length ?? -1;
  useEffect(() => {
    if (open.value && menu.current?.contains(document.activeElement) && (document.activeElement as HTMLElement).dataset.key === undefined) focusItem(0);
  }, [count]);

  const choose = async (entry: MenuEntry) => {
    if (kind !== 'checkbox') close(true);
    await entry.onSelect();
  };

  // One handler for the entries' clicks; their keys are onMenuKey's.
  const onMenuClick = (event: MouseEvent) => {
    const key = (event.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key;
    const entry = entries?.find((e) => e.key === key);
    if (entry) void choose(entry);
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') focusItem(index + 1);
    else if (event.key === 'ArrowUp') focusItem(index - 1);
    else if (event.key === 'Home') focusItem(0);
    else if (event.key === 'End') focusItem(list.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') {
      close(false);
      return;
    } else if (event.key === 'Enter' || event.key === ' ') {
      const entry = entries?.find((e) => e.key === (document.activeElement as HTMLElement | null)?.dataset.key);
      if (entry) void choose(entry);
    } else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const role = kind === 'radio' ? 'menuitemradio' : kind === 'checkbox' ? 'menuitemcheckbox' : 'menuitem';
  return (
    <div class="menu-wrapper" ref={wrapper}>
      <button
        type="button"
        ref={button}
        class={buttonClass}
        aria-haspopup="menu"
        aria-expanded={open.value}
        aria-controls={open.value ? id : undefined}
        disabled={disabled}
        data-toolbar-item=""
        onClick={() => (open.value ? close(false) : show())}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            show(event.key === 'ArrowUp' ? 'last' : 'current');
          }
        }}
      >
        {label}
      </button>
      {open.value && (
        <div class="menu" role="menu" id={id} aria-label={title} tabIndex={-1} ref={menu} onKeyDown={onMenuKey} onClick={onMenuClick}>
          {entries === null || entries.length === 0 ? (
            <div role="menuitem" aria-disabled="true" tabIndex={-1} data-menu-item="" class="menu-note" aria-busy={entries === null}>
              {empty}
            </div>
          ) : (
            entries.map((entry) => (
              <div
                key={entry.key}
                role={role}
                tabIndex={-1}
                data-menu-item=""
                data-key={entry.key}
                {...(kind === 'plain' ? {} : { 'aria-checked': !!entry.checked })}
              >
                <span class="menu-check" aria-hidden="true">
                  {kind === 'plain' ? '' : entry.checked ? (kind === 'radio' ? '●' : '✓') : ''}
                </span>
                {entry.label}
              </div>
            ))
          )}
        </div>
      )}
    </div>
  );
}
