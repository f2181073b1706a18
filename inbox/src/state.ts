import { signal } from '@preact/signals';
import { api, onSessionEnded, type Session } from './api.ts';
import { resetList } from './list-state.ts';
import { stopLive } from './live.ts';
import { resetMessages } from './messages-state.ts';
import { resetDrafts } from './conversation/composer/drafts.ts';

/** `undefined` while the stored session is being checked at load. */
export const session = signal<Session | null | undefined>(undefined);
export const path = signal(location.pathname);

export function navigate(to: string, { replace = false } = {}): void {
  if (to === location.pathname) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.value = to;
}
addEventListener('popstate', () => {
  path.value = location.pathname;
});

/** The conversation the URL names (`/conversations/{id}`), if any. */
export function selectedId(current: string): string | null {
  const match = /^\/conversations\/([^/]+)/.exec(current);
  return match ? decodeURIComponent(match[1]) : null;
}

onSessionEnded.handler = () => {
  stopLive();
  session.value = null;
};

/** At load: the session cookie, if it is still good, signs the agent in without the form. */
export async function restoreSession(): Promise<void> {
  try {
    session.value = await api<Session>('GET', '/api/v1/auth/me');
  } catch {
    session.value = null;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  session.value = await api<Session>('POST', '/api/v1/auth/login', { email, password });
  if (path.value === '/login') navigate('/', { replace: true });
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    // Signed out here either way; the server forgets the session when it expires.
  }
  stopLive();
  session.value = null;
  resetList();
  resetMessages();
  resetDrafts();
  navigate('/login');
}
