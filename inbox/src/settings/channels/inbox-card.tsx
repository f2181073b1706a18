import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { ChannelItem } from './channel-item.tsx';
import { Confirm } from './confirm.tsx';
import { describedBy, Field } from './field.tsx';
import { fieldProblems, problemText } from './problems.ts';
import { type Channel, type Inbox, loadChannels } from './resources.ts';
import { WhatsAppForm } from './whatsapp-form.tsx';

/** One inbox: its name and inactivity timeout, its channels, and adding a sandbox or WhatsApp channel. */
export function InboxCard({ inbox, onChanged, onDeleted }: { inbox: Inbox; onChanged(i: Inbox): void; onDeleted(id: string): void }) {
  const name = useSignal(inbox.name);
  const timeout = useSignal(String(inbox.inactivityTimeoutMinutes));
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal<string | null>(null);
  const status = useSignal('');
  const busy = useSignal(false);
  const confirming = useSignal(false);
  const channels = useSignal<Channel[] | null>(null);
  const sandboxName = useSignal('');
  const channelProblem = useSignal<string | null>(null);
  const addingWhatsApp = useSignal(false);
  const id = `inbox-${inbox.id}`;

  useEffect(() => {
    loadChannels(inbox.id).then(
      (list) => {
        channels.value = list;
      },
      (error) => {
        channelProblem.value = problemText(error);
        channels.value = [];
      },
    );
  }, [inbox.id]);

  const save = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    problem.value = null;
    errors.value = {};
    status.value = '';
    const minutes = timeout.value.trim();
    try {
      const updated = await api<Inbox>('PATCH', `/api/v1/inboxes/${inbox.id}`, {
        name: name.value.trim(),
        inactivityTimeoutMinutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes,
      });
      onChanged(updated);
      status.value = t('saved');
    } catch (error) {
      errors.value = fieldProblems(error);
      if (Object.keys(errors.value).length === 0) problem.value = problemText(error);
    } finally {
      busy.value = false;
    }
  };

  const remove = async () => {
    busy.value = true;
    problem.value = null;
    try {
      await api('DELETE', `/api/v1/inboxes/${inbox.id}`);
      onDeleted(inbox.id);
    } catch (error) {
      const reason = (error as { details?: { reason?: string } }).details?.reason;
      problem.value = reason === 'inbox_has_channels' ? t('inboxHasChannels') : problemText(error);
      confirming.value = false;
    } finally {
      busy.value = false;
    }
  };

  const addSandbox = async (event: Event) => {
    event.preventDefault();
    channelProblem.value = null;
    try {
      const created = await api<Channel>('POST', '/api/v1/channels', { inboxId: inbox.id, kind: 'sandbox', name: sandboxName.value.trim() });
      channels.value = [...(channels.value ?? []), created];
      sandboxName.value = '';
    } catch (error) {
      channelProblem.value = fieldProblems(error).name ?? problemText(error);
    }
  };

  const replace = (c: Channel) => {
    const list = channels.value ?? [];
    channels.value = list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
  };

  return (
    <section class="inbox-card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} tabIndex={-1}>
        {inbox.name}
      </h3>
      <form class="inbox-settings" onSubmit={save} noValidate>
        <Field id={`${id}-name`} label={t('inboxName')} error={errors.value.name}>
          <input
            id={`${id}-name`}
            required
            value={name.value}
            onInput={(e) => (name.value = (e.currentTarget as HTMLInputElement).value)}
            {...describedBy(`${id}-name`, false, errors.value.name)}
          />
        </Field>
        <Field id={`${id}-timeout`} label={t('inactivityTimeout')} hint={t('inactivityHint')} error={errors.value.inactivityTimeoutMinutes}>
          <input
            id={`${id}-timeout`}
            inputMode="numeric"
            value={timeout.value}
            onInput={(e) => (timeout.value = (e.currentTarget as HTMLInputElement).value)}
            {...describedBy(`${id}-timeout`, true, errors.value.inactivityTimeoutMinutes)}
          />
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {t('saveInbox')}
          </button>
          <button type="button" class="danger-outline" onClick={() => (confirming.value = true)}>
            {t('deleteInbox')}
          </button>
          <span role="status" class="status-line">
            {status.value}
          </span>
        </div>
        {problem.value && (
          <p class="problem" role="alert">
            {problem.value}
          </p>
        )}
      </form>
      {confirming.value && (
        <Confirm
          question={t('confirmDeleteInbox', { name: inbox.name })}
          busy={busy.value}
          onConfirm={() => void remove()}
          onCancel={() => (confirming.value = false)}
        />
      )}

      <h4>{t('channels')}</h4>
      {channels.value === null ? (
        <p class="hint">{t('loading')}</p>
      ) : channels.value.length === 0 ? (
        <p class="hint">{t('noChannels')}</p>
      ) : (
        <ul class="channel-list">
          {channels.value.map((c) => (
            <ChannelItem
              key={c.id}
              channel={c}
              onChanged={replace}
              onDeleted={(gone) => {
                channels.value = (channels.value ?? []).filter((x) => x.id !== gone);
                document.getElementById(`${id}-title`)?.focus();
              }}
            />
          ))}
        </ul>
      )}
      {channelProblem.value && (
        <p class="problem" role="alert">
          {channelProblem.value}
        </p>
      )}
      <form class="inline-create" onSubmit={addSandbox}>
        <label for={`${id}-sandbox`}>{t('newSandboxName')}</label>
        <input id={`${id}-sandbox`} required value={sandboxName.value} onInput={(e) => (sandboxName.value = (e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">{t('addSandboxChannel')}</button>
      </form>
      {addingWhatsApp.value ? (
        <WhatsAppForm inboxId={inbox.id} channel={null} onSaved={replace} onClose={() => (addingWhatsApp.value = false)} />
      ) : (
        <button type="button" onClick={() => (addingWhatsApp.value = true)}>
          {t('addWhatsAppChannel')}
        </button>
      )}
    </section>
  );
}
