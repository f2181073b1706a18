import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n.ts';
import { InboxCard } from './channels/inbox-card.tsx';
import { fieldProblems, problemText } from './channels/problems.ts';
import { type Inbox, loadInboxes } from './channels/resources.ts';

/** Settings → Inboxes and channels (admins): inboxes with their settings, each with its channels. */
export function Inboxes() {
  const inboxes = useSignal<Inbox[] | null>(null);
  const newName = useSignal('');
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);

  useEffect(() => {
    loadInboxes().then(
      (list) => {
        inboxes.value = list;
      },
      (error) => {
        problem.value = problemText(error);
        inboxes.value = [];
      },
    );
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      const created = await api<Inbox>('POST', '/api/v1/inboxes', { name: newName.value.trim() });
      inboxes.value = [...(inboxes.value ?? []), created];
      newName.value = '';
    } catch (error) {
      problem.value = fieldProblems(error).name ?? problemText(error);
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="settings-channels" aria-labelledby="inboxes-title">
      <h2 id="inboxes-title" tabIndex={-1}>
        {t('inboxesTitle')}
      </h2>
      <p class="hint">{t('inboxesIntro')}</p>
      <form class="inline-create" onSubmit={create} noValidate>
        <label for="new-inbox-name">{t('newInboxName')}</label>
        <input
          id="new-inbox-name"
          required
          value={newName.value}
          aria-invalid={problem.value ? 'true' : undefined}
          aria-describedby={problem.value ? 'new-inbox-problem' : undefined}
          onInput={(e) => (newName.value = (e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" disabled={busy.value}>
          {t('addInbox')}
        </button>
      </form>
      {problem.value && (
        <p id="new-inbox-problem" class="problem" role="alert">
          {problem.value}
        </p>
      )}
      {inboxes.value === null ? (
        <p class="hint">{t('loading')}</p>
      ) : inboxes.value.length === 0 ? (
        <p class="hint">{t('noInboxes')}</p>
      ) : (
        inboxes.value.map((inbox) => (
          <InboxCard
            key={inbox.id}
            inbox={inbox}
            onChanged={(updated) => (inboxes.value = (inboxes.value ?? []).map((i) => (i.id === updated.id ? updated : i)))}
            onDeleted={(gone) => {
              inboxes.value = (inboxes.value ?? []).filter((i) => i.id !== gone);
              document.getElementById('inboxes-title')?.focus();
            }}
          />
        ))
      )}
    </section>
  );
}
