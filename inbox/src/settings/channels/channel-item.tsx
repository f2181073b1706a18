import { useSignal } from '@preact/signals';
import { api } from '../../api.ts';
import { formatTime, t } from '../../i18n.ts';
import { Confirm } from './confirm.tsx';
import { problemText } from './problems.ts';
import type { Channel } from './resources.ts';
import { WhatsAppForm } from './whatsapp-form.tsx';

/** When an ISO time is shown: the day and time, in the admin's language. */
export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** One channel of an inbox: its kind, health (status, last error, last webhook) and its edit and delete actions. */
export function ChannelItem({ channel, onChanged, onDeleted }: { channel: Channel; onChanged(c: Channel): void; onDeleted(id: string): void }) {
  const editing = useSignal(false);
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const status = channel.status ?? 'active';

  const remove = async () => {
    busy.value = true;
    problem.value = null;
    try {
      await api('DELETE', `/api/v1/channels/${channel.id}`);
      onDeleted(channel.id);
    } catch (error) {
      const reason = (error as { details?: { reason?: string } }).details?.reason;
      problem.value = reason === 'channel_has_conversations' || reason === 'channel_has_bots' ? t('channelInUse') : problemText(error);
      confirming.value = false;
    } finally {
      busy.value = false;
    }
  };

  return (
    <li class={`channel-item channel-${status}`}>
      <div class="channel-summary">
        <span id={`channel-${channel.id}-name`} class="channel-name">
          {channel.name}
        </span>
        <span class="badge">{t(`channelKind_${channel.kind}`)}</span>
        {channel.kind === 'whatsapp' && <span class={`badge status-${status}`}>{t(status === 'error' ? 'channelStatus_error' : 'channelStatus_active')}</span>}
      </div>
      {channel.lastError && (
        <p class="channel-error">{t('lastError', { time: channel.lastErrorAt ? fullTime(channel.lastErrorAt) : '—', error: channel.lastError })}</p>
      )}
      {channel.kind === 'whatsapp' && (
        <p class="hint">{channel.lastWebhookAt ? t('lastWebhookAt', { time: formatTime(channel.lastWebhookAt) }) : t('noWebhookYet')}</p>
      )}
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <div class="item-actions">
        {channel.kind === 'whatsapp' && (
          <button type="button" aria-expanded={editing.value} onClick={() => (editing.value = !editing.value)}>
            {t('editChannel', { name: channel.name })}
          </button>
        )}
        <button type="button" class="danger-outline" onClick={() => (confirming.value = true)}>
          {t('deleteChannel', { name: channel.name })}
        </button>
      </div>
      {confirming.value && (
        <Confirm
          question={t('confirmDeleteChannel', { name: channel.name })}
          busy={busy.value}
          onConfirm={() => void remove()}
          onCancel={() => (confirming.value = false)}
        />
      )}
      {editing.value && <WhatsAppForm inboxId={channel.inboxId} channel={channel} onSaved={onChanged} onClose={() => (editing.value = false)} />}
    </li>
  );
}
