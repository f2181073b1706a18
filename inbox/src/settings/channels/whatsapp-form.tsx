import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../../api.ts';
import { t } from '../../i18n.ts';
import { CopyField, useCopyStatus } from './copy-field.tsx';
import { describedBy, Field } from './field.tsx';
import { fieldProblems, problemText } from './problems.ts';
import type { Channel } from './resources.ts';

const TEXT_FIELDS = ['phoneNumberId', 'wabaId', 'displayPhoneNumber', 'accessToken', 'appSecret', 'verifyToken', 'graphApiUrl', 'graphApiVersion'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const SECRETS: readonly TextField[] = ['accessToken', 'appSecret'];
/** Optional settings a blank input clears; the others keep their stored (or default) value when left blank. */
const CLEARABLE: readonly TextField[] = ['wabaId', 'displayPhoneNumber'];

type Values = Record<TextField | 'name' | 'messagesPerSecond', string> & { sendReadReceipts: boolean };

function valuesOf(channel: Channel | null): Values {
  const c = channel?.config ?? {};
  const text = (key: string) => (typeof c[key] === 'string' ? (c[key] as string) : '');
  return {
    name: channel?.name ?? '',
    phoneNumberId: text('phoneNumberId'),
    wabaId: text('wabaId'),
    displayPhoneNumber: text('displayPhoneNumber'),
    // Secrets are write-only: the form starts empty and shows the stored hint beside the field.
    accessToken: '',
    appSecret: '',
    verifyToken: text('verifyToken'),
    graphApiUrl: text('graphApiUrl'),
    graphApiVersion: text('graphApiVersion'),
    messagesPerSecond: typeof c.messagesPerSecond === 'number' ? String(c.messagesPerSecond) : '',
    sendReadReceipts: c.sendReadReceipts !== false,
  };
}

/** The config a save sends: on an edit, a blank secret keeps the stored one and a blank optional field clears it. */
function configOf(values: Values, editing: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) {
    const value = values[field].trim();
    if (value) config[field] = value;
    else if (editing && CLEARABLE.includes(field)) config[field] = null;
  }
  const rate = values.messagesPerSecond.trim();
  if (rate) config.messagesPerSecond = /^\d+$/.test(rate) ? Number(rate) : rate;
  config.sendReadReceipts = values.sendReadReceipts;
  return config;
}

/**
 * Creates or edits a WhatsApp channel. Once saved it shows the webhook URL and verify token to
 * paste into Meta's dashboard, each with a copy button; errors of the API are shown on their field.
 */
export function WhatsAppForm({ inboxId, channel, onSaved, onClose }: { inboxId: string; channel: Channel | null; onSaved(c: Channel): void; onClose(): void }) {
  const saved = useSignal<Channel | null>(channel);
  const values = useSignal<Values>(valuesOf(channel));
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal<string | null>(null);
  const busy = useSignal(false);
  const copy = useCopyStatus();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const prefix = `wa-${saved.value?.id ?? `new-${inboxId}`}`;

  useEffect(() => headingRef.current?.focus(), []);

  const set = (field: keyof Values, value: string | boolean) => {
    values.value = { ...values.value, [field]: value };
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    errors.value = {};
    const editing = saved.value !== null;
    const config = configOf(values.value, editing);
    try {
      const result = editing
        ? await api<Channel>('PATCH', `/api/v1/channels/${saved.value!.id}`, { name: values.value.name.trim(), config })
        : await api<Channel>('POST', '/api/v1/channels', { inboxId, kind: 'whatsapp', name: values.value.name.trim(), config });
      saved.value = result;
      values.value = valuesOf(result);
      onSaved(result);
      copy.announce(t('saved'));
    } catch (error) {
      const fields = fieldProblems(error);
      errors.value = fields;
      problem.value = Object.keys(fields).length > 0 ? t('formHasErrors') : problemText(error);
      const first = Object.keys(fields)[0];
      if (first) document.getElementById(`${prefix}-${first.replace(/^config\./, '')}`)?.focus();
    } finally {
      busy.value = false;
    }
  };

  const current = saved.value;
  const v = values.value;
  const errorOf = (field: string): string | undefined => errors.value[field];
  const textInput = (field: TextField, label: string, options: { hint?: string; required?: boolean; inputMode?: 'numeric' } = {}) => {
    const id = `${prefix}-${field}`;
    const secret = SECRETS.includes(field);
    const storedHint = secret && current && typeof current.config[field] === 'string' ? (current.config[field] as string) : null;
    const hint = storedHint ? t('secretStored', { hint: storedHint }) : options.hint;
    const error = errorOf(`config.${field}`);
    return (
      <Field id={id} label={label} hint={hint} error={error}>
        <input
          id={id}
          name={field}
          type={secret ? 'password' : 'text'}
          autocomplete={secret ? 'new-password' : 'off'}
          inputMode={options.inputMode}
          required={options.required && !storedHint}
          value={v[field]}
          onInput={(e) => set(field, (e.currentTarget as HTMLInputElement).value)}
          {...describedBy(id, !!hint, error)}
        />
      </Field>
    );
  };

  return (
    <form class="wa-form" onSubmit={submit} noValidate aria-labelledby={`${prefix}-title`}>
      <h4 id={`${prefix}-title`} ref={headingRef} tabIndex={-1}>
        {current ? t('editChannel', { name: current.name }) : t('whatsAppFormTitle')}
      </h4>
      {current?.webhookUrl && (
        <section class="connect-panel" aria-labelledby={`${prefix}-connect`}>
          <h5 id={`${prefix}-connect`}>{t('connectTitle')}</h5>
          <p class="hint">{t('connectHelp')}</p>
          <CopyField id={`${prefix}-webhook-url`} label={t('webhookUrl')} value={current.webhookUrl} copyLabel={t('copyWebhookUrl')} onCopied={copy.announce} />
          <CopyField
            id={`${prefix}-verify-token`}
            label={t('verifyToken')}
            value={String(current.config.verifyToken ?? '')}
            copyLabel={t('copyVerifyToken')}
            onCopied={copy.announce}
          />
        </section>
      )}
      <p role="status" class="status-line">
        {copy.status.value}
      </p>
      <p class="hint">{t('whatsAppFormHelp')}</p>
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <Field id={`${prefix}-name`} label={t('channelName')} error={errors.value.name}>
        <input
          id={`${prefix}-name`}
          name="name"
          required
          value={v.name}
          onInput={(e) => set('name', (e.currentTarget as HTMLInputElement).value)}
          {...describedBy(`${prefix}-name`, false, errors.value.name)}
        />
      </Field>
      {textInput('phoneNumberId', t('phoneNumberId'), { hint: t('phoneNumberIdHint'), required: true, inputMode: 'numeric' })}
      {textInput('wabaId', t('wabaId'), { inputMode: 'numeric' })}
      {textInput('displayPhoneNumber', t('displayPhoneNumber'))}
      {textInput('accessToken', t('accessToken'), { hint: t('accessTokenHint'), required: true })}
      {textInput('appSecret', t('appSecret'), { required: true })}
      {textInput('verifyToken', t('verifyToken'), { hint: t('verifyTokenHint') })}
      <details class="advanced">
        <summary>{t('advanced')}</summary>
        {textInput('graphApiUrl', t('graphApiUrl'))}
        {textInput('graphApiVersion', t('graphApiVersion'))}
        <Field id={`${prefix}-messagesPerSecond`} label={t('messagesPerSecond')} error={errors.value['config.messagesPerSecond']}>
          <input
            id={`${prefix}-messagesPerSecond`}
            name="messagesPerSecond"
            inputMode="numeric"
            value={v.messagesPerSecond}
            onInput={(e) => set('messagesPerSecond', (e.currentTarget as HTMLInputElement).value)}
            {...describedBy(`${prefix}-messagesPerSecond`, false, errors.value['config.messagesPerSecond'])}
          />
        </Field>
        <div class="field checkbox">
          <input
            id={`${prefix}-sendReadReceipts`}
            type="checkbox"
            checked={v.sendReadReceipts}
            onChange={(e) => set('sendReadReceipts', (e.currentTarget as HTMLInputElement).checked)}
          />
          <label for={`${prefix}-sendReadReceipts`}>{t('sendReadReceipts')}</label>
        </div>
      </details>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy.value} aria-busy={busy.value}>
          {t('saveChannel')}
        </button>
        <button type="button" onClick={onClose}>
          {t('closeForm')}
        </button>
      </div>
    </form>
  );
}
