import { useSignal } from '@preact/signals';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { Confirm } from '../channels/confirm.tsx';
import { problemText } from '../channels/problems.ts';
import { DeliveryLog } from './delivery-log.tsx';
import { type Webhook, eventLabelKey } from './resources.ts';

/** One webhook: where it sends, what, whether it is paused; pause/resume, delete, and its delivery log. */
export function WebhookItem({ webhook, onChanged, onDeleted }: { webhook: Webhook; onChanged(w: Webhook): void; onDeleted(id: string): void }) {
  const busy = useSignal(false);
  const confirming = useSignal(false);
  const showLog = useSignal(false);
  const problem = useSignal<string | null>(null);
  const id = `webhook-${webhook.id}`;
  const paused = webhook.status === 'paused';

  const toggle = async () => {
    busy.value = true;
    problem.value = null;
    try {
      onChanged(await api<Webhook>('PATCH', `/api/v1/webhooks/${webhook.id}`, { status: paused ? 'active' : 'paused' }));
    } catch (error) {
      problem.value = problemText(error);
    } finally {
      busy.value = false;
    }
  };

  const remove = async () => {
    busy.value = true;
    try {
      await api('DELETE', `/api/v1/webhooks/${webhook.id}`);
      onDeleted(webhook.id);
    } catch (error) {
      problem.value = problemText(error);
      confirming.value = false;
      busy.value = false;
    }
  };

  return (
    <section class={`webhook-card${paused ? ' paused' : ''}`} aria-labelledby={`${id}-title`}>
      <div class="webhook-head">
        <h3 id={`${id}-title`}>{webhook.name}</h3>
        <span class={`badge webhook-${webhook.status}`}>{t(paused ? 'webhookPaused' : 'webhookActive')}</span>
      </div>
      <p class="webhook-url">
        <code>{webhook.url}</code>
      </p>
      <p class="hint">
        {webhook.events
          .map((e) => {
            const key = eventLabelKey(e);
            return key ? t(key) : e;
          })
          .join(' · ')}
      </p>
      <p class="hint">{t('secretHint', { hint: webhook.secretHint })}</p>
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <div class="item-actions">
        <button type="button" disabled={busy.value} onClick={() => void toggle()}>
          {t(paused ? 'resumeWebhook' : 'pauseWebhook')}
        </button>
        <button type="button" aria-expanded={showLog.value} aria-controls={`${id}-log`} onClick={() => (showLog.value = !showLog.value)}>
          {t('deliveryLog')}
        </button>
        <button type="button" class="danger-outline" onClick={() => (confirming.value = true)}>
          {t('deleteWebhook')}
        </button>
      </div>
      {confirming.value && (
        <Confirm
          question={t('confirmDeleteWebhook', { name: webhook.name })}
          busy={busy.value}
          onConfirm={() => void remove()}
          onCancel={() => (confirming.value = false)}
        />
      )}
      <div id={`${id}-log`}>{showLog.value && <DeliveryLog webhook={webhook} />}</div>
    </section>
  );
}
