import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { t } from '../i18n.ts';
import { ConfirmDialog, CopyField, Dialog, announce, formatDateTime, loadAll, problemText, SettingsTable } from './ui.tsx';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  clientId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface IssuedKey extends ApiKey {
  apiKey: string;
  clientSecret: string;
}

type Open = { kind: 'create' } | { kind: 'issued'; key: IssuedKey } | { kind: 'revoke'; key: ApiKey } | null;

/** API keys: issued here (the secret shown once), listed by name and prefix, revoked. */
export function ApiKeys() {
  const keys = useSignal<ApiKey[] | null>(null);
  const problem = useSignal<string | null>(null);
  const open = useSignal<Open>(null);

  const reload = async () => {
    try {
      const all = await loadAll<ApiKey>('/api/v1/api-keys');
      // Live keys first, newest first; revoked ones after.
      keys.value = all.sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
      problem.value = null;
    } catch (error) {
      problem.value = problemText(error);
    }
  };
  useEffect(() => {
    void reload();
  }, []);
  const list = keys.value;
  const current = open.value;

  return (
    <div class="settings-body">
      <SettingsTable
        intro={t('keysIntro')}
        newLabel={t('keysNew')}
        onNew={() => (open.value = { kind: 'create' })}
        problem={problem.value}
        list={list}
        empty={t('keysNone')}
        caption={t('settingsApiKeys')}
        columns={[t('keysName'), t('keysPrefix'), t('keysCreated'), t('keysLastUsed')]}
      >
        {list?.map((key) => (
          <tr key={key.id} class={key.revokedAt ? 'revoked' : undefined}>
            <th scope="row">{key.name}</th>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{formatDateTime(key.createdAt)}</td>
            <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t('keysNeverUsed')}</td>
            <td class="row-actions">
              {key.revokedAt ? (
                <span class="badge">{t('keysRevokedOn', { date: formatDateTime(key.revokedAt) })}</span>
              ) : (
                <button type="button" class="danger-text" onClick={() => (open.value = { kind: 'revoke', key })}>
                  {t('keysRevoke')}
                  <span class="visually-hidden"> {key.name}</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </SettingsTable>
      {current?.kind === 'create' && (
        <CreateKey
          onClose={() => (open.value = null)}
          onIssued={(key) => {
            open.value = { kind: 'issued', key };
            void reload();
          }}
        />
      )}
      {current?.kind === 'issued' && <IssuedKeyDialog issued={current.key} onClose={() => (open.value = null)} />}
      {current?.kind === 'revoke' && (
        <ConfirmDialog
          title={t('keysRevokeTitle', { name: current.key.name })}
          text={t('keysRevokeText')}
          action={t('keysRevoke')}
          onClose={() => (open.value = null)}
          run={async () => {
            await api('DELETE', `/api/v1/api-keys/${encodeURIComponent(current.key.id)}`);
            announce(t('keysRevoked', { name: current.key.name }));
            await reload();
          }}
        />
      )}
    </div>
  );
}

function CreateKey({ onClose, onIssued }: { onClose: () => void; onIssued: (key: IssuedKey) => void }) {
  const name = useSignal('');
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      onIssued(await api<IssuedKey>('POST', '/api/v1/api-keys', { name: name.value.trim() }));
    } catch (error) {
      busy.value = false;
      problem.value = problemText(error);
    }
  };
  return (
    <Dialog title={t('keysNew')} onClose={onClose}>
      <form class="settings-form" onSubmit={submit}>
        <label for="key-name">{t('keysName')}</label>
        <input
          id="key-name"
          required
          maxLength={255}
          autocomplete="off"
          aria-describedby="key-name-hint"
          value={name.value}
          onInput={(e) => (name.value = (e.currentTarget as HTMLInputElement).value)}
        />
        <p id="key-name-hint" class="hint">
          {t('keysNameHint')}
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
            {t('keysCreate')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The key and its Basic client credentials, this once: nothing shows them again. */
function IssuedKeyDialog({ issued, onClose }: { issued: IssuedKey; onClose: () => void }) {
  return (
    <Dialog title={t('keysIssuedTitle', { name: issued.name })} onClose={onClose} wide>
      <p class="warning" id="key-once">
        <strong>{t('keysOnceStrong')}</strong> {t('keysOnceText')}
      </p>
      <CopyField id="issued-key" label={t('keysKey')} value={issued.apiKey} />
      <p class="hint">{t('keysKeyHint')}</p>
      <CopyField id="issued-client-id" label={t('keysClientId')} value={issued.clientId} />
      <CopyField id="issued-client-secret" label={t('keysClientSecret')} value={issued.clientSecret} />
      <p class="hint">{t('keysBasicHint')}</p>
      <div class="dialog-actions">
        <button type="button" class="primary" onClick={onClose}>
          {t('keysSavedIt')}
        </button>
      </div>
    </Dialog>
  );
}
