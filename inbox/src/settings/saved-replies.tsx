import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { ConfirmDialog, Dialog, announce, loadAll, problemText, SettingsTable } from './ui.tsx';

interface SavedReply {
  id: string;
  shortcut: string;
  text: string;
}

type Open = { kind: 'create' } | { kind: 'edit'; reply: SavedReply } | { kind: 'delete'; reply: SavedReply } | null;

/** Saved replies: the texts agents insert by typing `/shortcut` in the composer. */
export function SavedReplies() {
  const replies = useSignal<SavedReply[] | null>(null);
  const problem = useSignal<string | null>(null);
  const open = useSignal<Open>(null);

  const reload = async () => {
    try {
      const all = await loadAll<SavedReply>('/api/v1/saved-replies');
      replies.value = all.sort((a, b) => a.shortcut.localeCompare(b.shortcut));
      problem.value = null;
    } catch (error) {
      problem.value = problemText(error);
    }
  };
  useEffect(() => {
    void reload();
  }, []);
  const list = replies.value;
  const current = open.value;

  return (
    <div class="settings-body">
      <SettingsTable
        intro={t('repliesIntro')}
        newLabel={t('repliesNew')}
        onNew={() => (open.value = { kind: 'create' })}
        problem={problem.value}
        list={list}
        empty={t('repliesNone')}
        caption={t('settingsSavedReplies')}
        columns={[t('repliesShortcut'), t('repliesText')]}
      >
        {list?.map((reply) => (
          <tr key={reply.id}>
            <th scope="row">
              <code>/{reply.shortcut}</code>
            </th>
            <td class="reply-text">{reply.text}</td>
            <td class="row-actions">
              <button type="button" onClick={() => (open.value = { kind: 'edit', reply })}>
                {t('settingsEdit')}
                <span class="visually-hidden"> /{reply.shortcut}</span>
              </button>
              <button type="button" class="danger-text" onClick={() => (open.value = { kind: 'delete', reply })}>
                {t('settingsDelete')}
                <span class="visually-hidden"> /{reply.shortcut}</span>
              </button>
            </td>
          </tr>
        ))}
      </SettingsTable>
      {(current?.kind === 'create' || current?.kind === 'edit') && (
        <ReplyForm
          reply={current.kind === 'edit' ? current.reply : null}
          onClose={() => (open.value = null)}
          onSaved={(saved, created) => {
            open.value = null;
            announce(created ? t('repliesCreated', { shortcut: saved.shortcut }) : t('settingsSaved'));
            void reload();
          }}
        />
      )}
      {current?.kind === 'delete' && (
        <ConfirmDialog
          title={t('repliesDeleteTitle', { shortcut: current.reply.shortcut })}
          text={t('repliesDeleteText')}
          action={t('settingsDelete')}
          onClose={() => (open.value = null)}
          run={async () => {
            await api('DELETE', `/api/v1/saved-replies/${encodeURIComponent(current.reply.id)}`);
            announce(t('repliesDeleted', { shortcut: current.reply.shortcut }));
            await reload();
          }}
        />
      )}
    </div>
  );
}

function ReplyForm({ reply, onClose, onSaved }: { reply: SavedReply | null; onClose: () => void; onSaved: (saved: SavedReply, created: boolean) => void }) {
  const shortcut = useSignal(reply?.shortcut ?? '');
  const text = useSignal(reply?.text ?? '');
  const busy = useSignal(false);
  const shortcutProblem = useSignal<string | null>(null);
  const problem = useSignal<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    shortcutProblem.value = null;
    problem.value = null;
    const body = { shortcut: shortcut.value.trim().replace(/^\//, ''), text: text.value };
    try {
      const saved = reply
        ? await api<SavedReply>('PATCH', `/api/v1/saved-replies/${encodeURIComponent(reply.id)}`, body)
        : await api<SavedReply>('POST', '/api/v1/saved-replies', body);
      onSaved(saved, reply === null);
    } catch (error) {
      busy.value = false;
      if (error instanceof ApiError && error.reason === 'shortcut_taken') shortcutProblem.value = t('repliesShortcutTaken', { shortcut: body.shortcut });
      else if (error instanceof ApiError && error.status === 400 && error.fields.shortcut) shortcutProblem.value = t('repliesShortcutInvalid');
      else problem.value = problemText(error);
      if (shortcutProblem.value) document.getElementById('reply-shortcut')?.focus();
    }
  };

  return (
    <Dialog title={reply ? t('repliesEditTitle', { shortcut: reply.shortcut }) : t('repliesNew')} onClose={onClose} wide>
      <form class="settings-form" onSubmit={submit}>
        <label for="reply-shortcut">{t('repliesShortcut')}</label>
        <input
          id="reply-shortcut"
          required
          maxLength={65}
          autocomplete="off"
          spellcheck={false}
          value={shortcut.value}
          aria-invalid={shortcutProblem.value ? true : undefined}
          aria-describedby={shortcutProblem.value ? 'reply-shortcut-problem reply-shortcut-hint' : 'reply-shortcut-hint'}
          onInput={(e) => (shortcut.value = (e.currentTarget as HTMLInputElement).value)}
        />
        <p id="reply-shortcut-hint" class="hint">
          {t('repliesShortcutHint')}
        </p>
        {shortcutProblem.value && (
          <p id="reply-shortcut-problem" class="problem field-problem" role="alert">
            {shortcutProblem.value}
          </p>
        )}
        <label for="reply-text">{t('repliesText')}</label>
        <textarea
          id="reply-text"
          required
          rows={5}
          maxLength={4096}
          value={text.value}
          aria-describedby="reply-text-hint"
          onInput={(e) => (text.value = (e.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id="reply-text-hint" class="hint">
          {t('repliesTextHint')}
        </p>
        {problem.value && (
          <p class="problem" role="alert">
            {problem.value}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('settingsCancel')}
          </button>
          <button type="submit" class="primary" disabled={busy.value}>
            {t('settingsSave')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
