import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n.ts';
import { CopyField, useCopyStatus } from './channels/copy-field.tsx';
import { describedBy, Field } from './channels/field.tsx';
import { fieldProblems, problemText } from './channels/problems.ts';
import { allPages } from './channels/resources.ts';
import { type CreatedWebhook, WEBHOOK_EVENTS, type Webhook, eventLabelKey } from './webhooks/resources.ts';
import { WebhookItem } from './webhooks/webhook-item.tsx';

/** Settings → Webhooks (admins): create, pause/resume, delete, and each webhook's delivery log with Retry. */
export function Webhooks() {
  const webhooks = useSignal<Webhook[] | null>(null);
  const url = useSignal('');
  const name = useSignal('');
  const events = useSignal<string[]>(['conversation.created', 'message.created']);
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  const created = useSignal<CreatedWebhook | null>(null);
  const copy = useCopyStatus();

  useEffect(() => {
    allPages<Webhook>('/api/v1/webhooks').then(
      (list) => {
        webhooks.value = list;
      },
      (error) => {
        problem.value = problemText(error);
        webhooks.value = [];
      },
    );
  }, []);

  const toggleEvent = (type: string, on: boolean) => {
    events.value = on ? [...events.value, type] : events.value.filter((e) => e !== type);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    problem.value = null;
    errors.value = {};
    if (events.value.length === 0) {
      errors.value = { events: t('chooseEvents') };
      return;
    }
    busy.value = true;
    try {
      const body: Record<string, unknown> = { url: url.value.trim(), events: WEBHOOK_EVENTS.filter((e) => events.value.includes(e)) };
      if (name.value.trim()) body.name = name.value.trim();
      const result = await api<CreatedWebhook>('POST', '/api/v1/webhooks', body);
      created.value = result;
      webhooks.value = [...(webhooks.value ?? []), result];
      url.value = '';
      name.value = '';
    } catch (error) {
      const fields = fieldProblems(error);
      errors.value = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/\/\d+$/, ''), v]));
      if (Object.keys(fields).length === 0) problem.value = problemText(error);
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="settings-channels" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title" tabIndex={-1}>
        {t('webhooksTitle')}
      </h2>
      <p class="hint">{t('webhooksIntro')}</p>
      <form class="webhook-form" onSubmit={submit} noValidate aria-labelledby="new-webhook-title">
        <h3 id="new-webhook-title">{t('newWebhook')}</h3>
        <Field id="webhook-url" label={t('endpointUrl')} error={errors.value.url}>
          <input
            id="webhook-url"
            type="url"
            required
            placeholder="https://"
            value={url.value}
            onInput={(e) => (url.value = (e.currentTarget as HTMLInputElement).value)}
            {...describedBy('webhook-url', false, errors.value.url)}
          />
        </Field>
        <Field id="webhook-name" label={t('webhookName')} error={errors.value.name}>
          <input
            id="webhook-name"
            value={name.value}
            onInput={(e) => (name.value = (e.currentTarget as HTMLInputElement).value)}
            {...describedBy('webhook-name', false, errors.value.name)}
          />
        </Field>
        <fieldset class="events" aria-describedby={errors.value.events ? 'webhook-events-error' : undefined}>
          <legend>{t('events')}</legend>
          {WEBHOOK_EVENTS.map((type) => {
            const key = eventLabelKey(type);
            return (
              <div class="field checkbox" key={type}>
                <input
                  id={`webhook-event-${type}`}
                  type="checkbox"
                  checked={events.value.includes(type)}
                  onChange={(e) => toggleEvent(type, (e.currentTarget as HTMLInputElement).checked)}
                />
                <label for={`webhook-event-${type}`}>
                  {key ? t(key) : type} <code>{type}</code>
                </label>
              </div>
            );
          })}
          {errors.value.events && (
            <p id="webhook-events-error" class="field-error">
              {errors.value.events}
            </p>
          )}
        </fieldset>
        {problem.value && (
          <p class="problem" role="alert">
            {problem.value}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy.value}>
          {t('addWebhook')}
        </button>
      </form>
      {created.value && (
        <section class="connect-panel" aria-labelledby="webhook-secret-title">
          <h3 id="webhook-secret-title">{t('secretOnce', { name: created.value.name })}</h3>
          <CopyField id="webhook-secret" label={t('signingSecret')} value={created.value.secret} copyLabel={t('copySigningSecret')} onCopied={copy.announce} />
          <button type="button" onClick={() => (created.value = null)}>
            {t('dismiss')}
          </button>
        </section>
      )}
      <p role="status" class="status-line">
        {copy.status.value}
      </p>
      {webhooks.value === null ? (
        <p class="hint">{t('loading')}</p>
      ) : webhooks.value.length === 0 ? (
        <p class="hint">{t('noWebhooks')}</p>
      ) : (
        webhooks.value.map((w) => (
          <WebhookItem
            key={w.id}
            webhook={w}
            onChanged={(updated) => (webhooks.value = (webhooks.value ?? []).map((x) => (x.id === updated.id ? updated : x)))}
            onDeleted={(gone) => {
              webhooks.value = (webhooks.value ?? []).filter((x) => x.id !== gone);
              document.getElementById('webhooks-title')?.focus();
            }}
          />
        ))
      )}
    </section>
  );
}
