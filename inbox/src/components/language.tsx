import { LOCALES, type Locale, locale, setLocale, t } from '../i18n.ts';

/** Each language named in itself, so anyone finds theirs whatever the current one is. */
export function LanguageSwitcher() {
  return (
    <label class="language">
      <span>{t('language')}</span>
      <select value={locale.value} onChange={(event) => setLocale((event.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l.tag} value={l.tag} lang={l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
