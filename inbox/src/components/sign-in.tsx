import { useSignal } from '@preact/signals';
import { ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { signIn } from '../state.ts';

function problemOf(error: unknown): string {
  if (!(error instanceof ApiError)) return t('unexpectedError', { status: '?' });
  if (error.status === 0) return t('networkError');
  if (error.status === 401 || error.status === 400 || error.status === 422) return t('wrongCredentials');
  if (error.status === 429) return t('tooManyAttempts');
  if (error.status === 404) return t('signInUnavailable');
  return t('unexpectedError', { status: error.status });
}

export function SignIn() {
  const email = useSignal('');
  const password = useSignal('');
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      await signIn(email.value.trim(), password.value);
    } catch (error) {
      problem.value = problemOf(error);
      busy.value = false;
    }
  };

  return (
    <form class="card sign-in" onSubmit={submit} aria-describedby={problem.value ? 'sign-in-problem' : undefined}>
      <h1>{t('signInTitle')}</h1>
      <label for="sign-in-email">{t('email')}</label>
      <input
        id="sign-in-email"
        type="email"
        name="email"
        autocomplete="username"
        required
        value={email.value}
        onInput={(e) => {
          email.value = (e.currentTarget as HTMLInputElement).value;
        }}
      />
      <label for="sign-in-password">{t('password')}</label>
      <input
        id="sign-in-password"
        type="password"
        name="password"
        autocomplete="current-password"
        required
        value={password.value}
        onInput={(e) => {
          password.value = (e.currentTarget as HTMLInputElement).value;
        }}
      />
      {problem.value && (
        <p id="sign-in-problem" class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy.value} aria-busy={busy.value}>
        {t('signIn')}
      </button>
    </form>
  );
}
