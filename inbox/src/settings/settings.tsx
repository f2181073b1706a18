import { useEffect } from 'preact/hooks';
import type { Session } from '../api.ts';
import { t } from '../i18n.ts';
import { navigate, path } from '../state.ts';
import { SECTIONS } from './sections.ts';
import { StatusRegion } from './ui.tsx';

/** `/settings/<section>` → the section's path; null for `/settings` itself. */
function sectionOf(current: string): string | null {
  const match = /^\/settings\/([^/?#]+)/.exec(current);
  return match ? decodeURIComponent(match[1]) : null;
}

/** A same-page link: a real href (open in a new tab works), navigation without a reload. */
export function RouteLink({
  to,
  children,
  current = false,
  class: className,
}: {
  to: string;
  children: preact.ComponentChildren;
  current?: boolean;
  class?: string;
}) {
  return (
    <a
      href={to}
      class={className}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/**
 * Workspace settings: a navigation between sections and the open one. Admins see every section; an
 * agent sees only theirs (Account), and an admin section's URL says it is for admins.
 */
export function Settings({ session }: { session: Session }) {
  const admin = session.user.access === 'admin';
  const visible = SECTIONS.filter((s) => admin || s.forEveryone);
  const wanted = sectionOf(path.value);
  const first = visible[0].path;
  useEffect(() => {
    if (wanted === null) navigate(`/settings/${first}`, { replace: true });
  }, [wanted, first]);
  if (wanted === null) return null;
  const section = SECTIONS.find((s) => s.path === wanted);
  const allowed = section && (admin || section.forEveryone);
  const Component = section?.component;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label={t('settings')}>
        <h1>{t('settings')}</h1>
        <ul>
          {visible.map((s) => (
            <li key={s.path}>
              <RouteLink to={`/settings/${s.path}`} current={s.path === wanted}>
                {s.label()}
              </RouteLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" class="settings-main" tabIndex={-1}>
        {!section && (
          <section class="settings-section">
            <h2>{t('settingsNotFound')}</h2>
            <p>
              <RouteLink to={`/settings/${visible[0].path}`}>{visible[0].label()}</RouteLink>
            </p>
          </section>
        )}
        {section && !allowed && (
          <section class="settings-section" aria-labelledby="section-title">
            <h2 id="section-title" tabIndex={-1}>
              {section.label()}
            </h2>
            <p>{t('settingsAdminsOnly')}</p>
          </section>
        )}
        {section && allowed && Component && (
          <section class="settings-section" aria-labelledby="section-title" key={section.path}>
            <h2 id="section-title" tabIndex={-1}>
              {section.label()}
            </h2>
            <Component />
          </section>
        )}
        <StatusRegion />
      </main>
    </div>
  );
}
