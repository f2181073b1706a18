import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, type Session } from '../api.ts';
import { LanguageSwitcher } from '../components/language.tsx';
import { t } from '../i18n.ts';
import { navigate, session } from '../state.ts';
import { MIN_PASSWORD_LENGTH } from './account.tsx';
import { RouteLink } from './settings.tsx';

interface Invitation {
  user: { name: string; email: string };
  workspace: { id: string; name: string };
  expiresAt: string;
}

/**
 * The invitation page (`/invite/{token}`, no session needed): whose invitation it is, a new password
 * typed twice; accepting it signs the agent in and opens the inbox. An unknown, used or expired
 * link says so and points to signing in.
 */
export function AcceptInvite({ token }: { token: string }) {
  const invitation = useSignal<Invitation | null | 'gone' | 'error'>(null);
  const password = useSignal('');
  const repeat = useSignal('');
  const busy = useSignal(false);
  const problems = useSignal<{ password?: string; repeat?: string; form?: string }>({});

  useEffect(() => {
    api<Invitation>('GET', `/api/v1/auth/invite/${encodeURIComponent(token)}`)
      .then((found) => {
        invitation.value = found;
      })
      .catch((error: unknown) => {
        // A malformed token is refused as input (400): for the visitor it is the same dead link.
        invitation.value = error instanceof ApiError && (error.status === 404 || error.status === 400) ? 'gone' : 'error';
      });
  }, [token]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    if (password.value.length < MIN_PASSWORD_LENGTH) {
      problems.value = { password: t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }) };
      document.getElementById('invite-password')?.focus();
      return;
    }
    if (password.value !== repeat.value) {
      problems.value = { repeat: t('passwordsDiffer') };
      document.getElementById('invite-repeat')?.focus();
      return;
    }
    busy.value = true;
    problems.value = {};
    try {
      const signedIn = await api<Session>('POST', `/api/v1/auth/invite/${encodeURIComponent(token)}`, { password: password.value });
      session.value = signedIn;
      navigate('/', { replace: true });
    } catch (error) {
      busy.value = false;
      if (error instanceof ApiError && error.status === 404) invitation.value = 'gone';
      else if (error instanceof ApiError && error.status === 400) problems.value = { password: t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }) };
      else
        problems.value = {
          form: error instanceof ApiError && error.status === 0 ? t('networkError') : t('unexpectedError', { status: (error as ApiError).status ?? '?' }),
        };
    }
  };

  const state = invitation.value;
  const described = (id: 'password' | 'repeat', hint?: string) => {
    const ids = [problems.value[id] ? `invite-${id}-problem` : null, hint].filter(Boolean).join(' ');
    return { 'aria-invalid': problems.value[id] ? (true as const) : undefined, 'aria-describedby': ids || undefined };
  };
  const problem = (id: 'password' | 'repeat') =>
    problems.value[id] && (
      <p id={`invite-${id}-problem`} class="problem field-problem">
        {problems.value[id]}
      </p>
    );

  return (
    <main class="centered">
      {state === null && <p aria-busy="true">{t('loading')}</p>}
      {state === 'gone' && (
        <section class="card invite" aria-labelledby="invite-title">
          <h1 id="invite-title">{t('inviteGoneTitle')}</h1>
          <p role="alert">{t('inviteGoneText')}</p>
          <p>
            <RouteLink to="/login">{t('inviteGoToSignIn')}</RouteLink>
          </p>
        </section>
      )}
      {state === 'error' && (
        <section class="card invite" aria-labelledby="invite-title">
          <h1 id="invite-title">{t('inviteTitle')}</h1>
          <p role="alert">{t('networkError')}</p>
        </section>
      )}
      {state !== null && typeof state === 'object' && (
        <form class="card invite sign-in" onSubmit={submit} aria-labelledby="invite-title">
          <h1 id="invite-title">{t('inviteTitle')}</h1>
          <p>{t('inviteWelcome', { name: state.user.name, workspace: state.workspace.name })}</p>
          <label for="invite-email">{t('email')}</label>
          <input id="invite-email" type="email" autocomplete="username" readOnly value={state.user.email} />
          <label for="invite-password">{t('inviteNewPassword')}</label>
          <input
            id="invite-password"
            type="password"
            autocomplete="new-password"
            required
            value={password.value}
            onInput={(e) => (password.value = (e.currentTarget as HTMLInputElement).value)}
            {...described('password', 'invite-password-hint')}
          />
          <p id="invite-password-hint" class="hint">
            {t('passwordHint', { min: MIN_PASSWORD_LENGTH })}
          </p>
          {problem('password')}
          <label for="invite-repeat">{t('inviteRepeatPassword')}</label>
          <input
            id="invite-repeat"
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
          <button type="submit" class="primary" disabled={busy.value}>
            {t('inviteSubmit')}
          </button>
        </form>
      )}
      <LanguageSwitcher />
    </main>
  );
}
