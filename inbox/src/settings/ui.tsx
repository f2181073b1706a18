import { signal, useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, type Page } from '../api.ts';
import { locale, t } from '../i18n.ts';

/** What the settings' `status` region says now ("Copied", "Saved"…); screen readers announce each change. */
export const announcement = signal('');
let clearTimer: ReturnType<typeof setTimeout> | null = null;

export function announce(text: string): void {
  // Emptied first, so that the same words twice are announced twice.
  announcement.value = '';
  if (clearTimer) clearTimeout(clearTimer);
  queueMicrotask(() => {
    announcement.value = text;
  });
  clearTimer = setTimeout(() => {
    announcement.value = '';
  }, 6000);
}

/** How many modal dialogs are open: the page behind one is inert, hidden from screen readers, live regions included. */
const openDialogs = signal(0);

/**
 * The polite live region the settings announce through; present before anything is announced. The
 * page's own is silent while a modal dialog is open, and the dialog's own speaks instead.
 */
export function StatusRegion({ inDialog = false }: { inDialog?: boolean }) {
  return (
    <p role="status" class="settings-status">
      {inDialog || openDialogs.value === 0 ? announcement.value : ''}
    </p>
  );
}

/** Every page of a list (`?limit=200`, following `nextCursor`). */
export async function loadAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<T> = await api<Page<T>>('GET', url);
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A failure in words: the network, a refused admin route, or the status. */
export function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('unexpectedError', { status: '?' });
  if (error.status === 0) return t('networkError');
  if (error.status === 403) return t('settingsForbidden');
  if (error.status === 429) return t('tooManyAttempts');
  return t('unexpectedError', { status: error.status });
}

/** Copies `value` and says "Copied" in the status region; `what` names the value for screen readers ("Copy API key"). */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      announce(t('settingsCopied'));
    } catch {
      announce(t('settingsCopyFailed'));
    }
  };
  return (
    <button type="button" class="copy" onClick={() => void copy()}>
      {t('settingsCopy')}
      <span class="visually-hidden"> {what}</span>
    </button>
  );
}

/** A secret or link shown in full, selectable, with its copy button. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input
          id={id}
          type="text"
          readOnly
          value={value}
          spellcheck={false}
          autocomplete="off"
          onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
        />
        <CopyButton value={value} what={label} />
      </div>
    </div>
  );
}

/**
 * A modal `<dialog>` (focus stays inside, Escape closes, the page behind is inert), named by its
 * heading. Rendered only while open; closing it in any way calls `onClose`.
 */
export function Dialog({ title, onClose, children, wide = false }: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    openDialogs.value++;
    const closed = () => closeRef.current();
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      openDialogs.value--;
      // Focus goes back where it was, if that is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={ref} class={`settings-dialog${wide ? ' wide' : ''}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <StatusRegion inDialog />
    </dialog>
  );
}

/** "Delete X?" with Cancel and a danger button; `run` does it, its failure is shown in the dialog. */
export function ConfirmDialog({
  title,
  text,
  action,
  run,
  onClose,
}: {
  title: string;
  text: string;
  action: string;
  run: () => Promise<void>;
  onClose: () => void;
}) {
  const busy = useRef(false);
  const problem = useSignal<unknown>(null);
  const confirm = async () => {
    if (busy.current) return;
    busy.current = true;
    problem.value = null;
    try {
      await run();
      onClose();
    } catch (error) {
      problem.value = error;
      busy.current = false;
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{text}</p>
      {problem.value !== null && (
        <p class="problem" role="alert">
          {confirmProblem(problem.value)}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          {t('settingsCancel')}
        </button>
        <button type="button" class="danger" onClick={() => void confirm()}>
          {action}
        </button>
      </div>
    </Dialog>
  );
}

function confirmProblem(error: unknown): string {
  if (error instanceof ApiError && error.reason === 'last_admin') return t('agentsLastAdmin');
  return problemText(error);
}

/**
 * A settings section's list: its intro, the button that creates one, the problem or loading state,
 * an empty message (when given), and a table (caption, column headers, an unlabelled actions column)
 * whose rows are `children`.
 */
export function SettingsTable<T>({
  intro,
  newLabel,
  onNew,
  problem,
  list,
  empty,
  caption,
  columns,
  children,
}: {
  intro: string;
  newLabel: string;
  onNew: () => void;
  problem: string | null;
  list: T[] | null;
  empty?: string;
  caption: string;
  columns: string[];
  children: ComponentChildren;
}) {
  return (
    <>
      <p class="section-intro">{intro}</p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={onNew}>
          {newLabel}
        </button>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {list === null && !problem && <p aria-busy="true">{t('loading')}</p>}
      {empty !== undefined && list?.length === 0 && <p class="empty">{empty}</p>}
      {list && (empty === undefined || list.length > 0) && (
        <div class="table-wrap">
          <table class="settings-table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">{t('settingsActions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </>
  );
}
