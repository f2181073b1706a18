import { useSignal } from '@preact/signals';
import { api, ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { session } from '../state.ts';
import { announce, problemText } from './ui.tsx';

/** The same minimum as the server's (invitations, new users). */
export const MIN_PASSWORD_LENGTH = 8;

/** The signed-in user's own account: who they are, and a new password (proving the current one). */
export function Account() {
  const current = useSignal('');
  const next = useSignal('');
  const repeat = useSignal('');
  const busy = useSignal(false);
  const problems = useSignal<{ current?: string; next?: string; repeat?: string; form?: string }>({});
  const done = useSignal(false);
  const user = session.value?.user;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    done.value = false;
    if (next.value.length < MIN_PASSWORD_LENGTH) {
      problems.value = { next: t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }) };
      document.getElementById('account-new')?.focus();
      return;
    }
    if (next.value !== repeat.value) {
      problems.value = { repeat: t('passwordsDiffer') };
      document.getElementById('account-repeat')?.focus();
      return;
    }
    busy.value = true;
    problems.value = {};
    try {
      await api('POST', '/api/v1/auth/password', { currentPassword: current.value, newPassword: next.value });
      current.value = '';
      next.value = '';
      repeat.value = '';
      done.value = true;
      announce(t('accountChanged'));
    } catch (error) {
      if (error instanceof ApiError && error.reason === 'wrong_password') {
        problems.value = { current: t('accountWrongPassword') };
        document.getElementById('account-current')?.focus();
      } else if (error instanceof ApiError && error.status === 400 && error.fields.newPassword) {
        problems.value = { next: t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }) };
      } else problems.value = { form: problemText(error) };
    } finally {
      busy.value = false;
    }
  };

  const described = (id: 'current' | 'next' | 'repeat', hint?: string) => {
    const ids = [problems.value[id] ? `account-${id}-problem` : null, hint].filter(Boolean).join(' ');
    return { 'aria-invalid': problems.value[id] ? (true as const) : undefined, 'aria-describedby': ids || undefined };
  };
  const problem = (id: 'current' | 'next' | 'repeat') =>
    problems.value[id] && (
      <p id={`account-${id}-problem`} class="problem field-problem">
        {problems.value[id]}
      </p>
    );

  return (
    <div class="settings-body">
      {user && (
        <dl class="account-facts">
          <dt>{t('agentsName')}</dt>
          <dd>{user.name}</dd>
          <dt>{t('email')}</dt>
          <dd>{user.email}</dd>
          <dt>{t('agentsAccess')}</dt>
          <dd>{user.access === 'admin' ? t('agentsAdmin') : t('agentsAgent')}</dd>
        </dl>
      )}
      <form class="settings-form narrow" onSubmit={submit} aria-labelledby="account-password-title">
        <h3 id="account-password-title">{t('accountChangePassword')}</h3>
        {/* Password managers file the new password under this account. */}
        <input type="email" class="visually-hidden" autocomplete="username" value={user?.email ?? ''} readOnly tabIndex={-1} aria-hidden="true" />
        <label for="account-current">{t('accountCurrentPassword')}</label>
        <input
          id="account-current"
          type="password"
          autocomplete="current-password"
          required
          value={current.value}
          onInput={(e) => (current.value = (e.currentTarget as HTMLInputElement).value)}
          {...described('current')}
        />
        {problem('current')}
        <label for="account-new">{t('accountNewPassword')}</label>
        <input
          id="account-new"
          type="password"
          autocomplete="new-password"
          required
          value={next.value}
          onInput={(e) => (next.value = (e.currentTarget as HTMLInputElement).value)}
          {...described('next', 'account-new-hint')}
        />
        <p id="account-new-hint" class="hint">
          {t('passwordHint', { min: MIN_PASSWORD_LENGTH })}
        </p>
        {problem('next')}
        <label for="account-repeat">{t('accountRepeatPassword')}</label>
        <input
          id="account-repeat"
          type="password"
          autocomplete="new-password"
          required
          value={repeat.value}
          onInput={(e) => (repeat.value = (e.currentTarget as HTMLInputElement).value)}
          {...described('repeat')}
        />
        {problem('repeat')}
        {problems.value.form && (
          <p class="problem" role="alert">
            {problems.value.form}
          </p>
        )}
        {done.value && <p class="success">{t('accountChanged')}</p>}
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {t('accountChangePassword')}
          </button>
        </div>
      </form>
    </div>
  );
}
