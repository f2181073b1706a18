import { useEffect } from 'preact/hooks';
import { LanguageSwitcher } from './components/language.tsx';
import { Shell } from './components/shell.tsx';
import { SignIn } from './components/sign-in.tsx';
import { locale, t } from './i18n.ts';
import { AcceptInvite } from './settings/accept-invite.tsx';
import { path, session } from './state.ts';

export function App() {
  const lang = locale.value;
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const invitation = /^\/invite\/([^/]+)/.exec(path.value);
  if (invitation) return <AcceptInvite token={decodeURIComponent(invitation[1])} />;
  const current = session.value;
  if (current === undefined)
    return (
      <main class="centered" aria-busy="true">
        <p>{t('loading')}</p>
      </main>
    );
  if (current === null)
    return (
      <main class="centered">
        <SignIn />
        <LanguageSwitcher />
      </main>
    );
  return <Shell session={current} />;
}
