import { useSignal } from '@preact/signals';
import { api, ApiError, type Person } from '../../api.ts';
import { t, type MessageKey } from '../../i18n.ts';
import { people } from '../../list-state.ts';

type Field = 'name' | 'email' | 'phoneNumber' | 'document' | 'city' | 'country' | 'description';
const FIELDS: { field: Field; label: MessageKey; type?: string; multiline?: boolean; autocomplete?: string }[] = [
  { field: 'name', label: 'contactName', autocomplete: 'off' },
  { field: 'email', label: 'email', type: 'email', autocomplete: 'off' },
  { field: 'phoneNumber', label: 'contactPhone', type: 'tel', autocomplete: 'off' },
  { field: 'document', label: 'contactDocument' },
  { field: 'city', label: 'contactCity' },
  { field: 'country', label: 'contactCountry' },
  { field: 'description', label: 'contactDescription', multiline: true },
];

const shown = (person: Person, field: Field): string => {
  const value = person[field] ?? '';
  return field === 'phoneNumber' && value ? `+${value}` : value;
};

/** Updates the person (only the fields that changed; blank clears) and the names the list shows. */
export async function savePerson(person: Person, patch: Partial<Record<Field | 'tagIds', string | null | string[]>>): Promise<Person> {
  const saved = await api<Person>('PATCH', `/api/v1/people/${encodeURIComponent(person.id)}`, patch);
  people.value = { ...people.value, [saved.id]: { ...people.value[saved.id], ...saved } };
  return saved;
}

/** The person's details, editable; the API's refusals show beside their field. */
export function PersonForm({ person }: { person: Person }) {
  const values = useSignal<Record<Field, string>>(Object.fromEntries(FIELDS.map(({ field }) => [field, shown(person, field)])) as Record<Field, string>);
  const errors = useSignal<Partial<Record<Field, string>>>({});
  const problem = useSignal<string | null>(null);
  const saved = useSignal(false);
  const busy = useSignal(false);

  const submit = async () => {
    const patch: Partial<Record<Field, string | null>> = {};
    for (const { field } of FIELDS) {
      const value = values.value[field].trim();
      if (value !== shown(person, field)) patch[field] = value === '' ? null : value;
    }
    errors.value = {};
    problem.value = null;
    saved.value = false;
    if (Object.keys(patch).length === 0) {
      saved.value = true;
      return;
    }
    busy.value = true;
    try {
      await savePerson(person, patch);
      saved.value = true;
    } catch (error) {
      const fields = error instanceof ApiError ? (error.details.fields ?? {}) : {};
      const known = Object.fromEntries(Object.entries(fields).flatMap(([f, m]) => (FIELDS.some((x) => x.field === f) ? [[f, m.join(' ')]] : [])));
      errors.value = known;
      if (Object.keys(known).length === 0) problem.value = t('contactSaveFailed', { reason: error instanceof ApiError ? error.message : String(error) });
      else document.getElementById(`contact-${Object.keys(known)[0]}`)?.focus();
    } finally {
      busy.value = false;
    }
  };

  return (
    <form
      class="person-form"
      aria-label={t('contactDetails')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {FIELDS.map(({ field, label, type, multiline, autocomplete }) => {
        const id = `contact-${field}`;
        const error = errors.value[field];
        const props = {
          id,
          value: values.value[field],
          'aria-invalid': error ? true : undefined,
          'aria-describedby': error ? `${id}-error` : undefined,
          onInput: (event: Event) => {
            values.value = { ...values.value, [field]: (event.currentTarget as HTMLInputElement).value };
            saved.value = false;
          },
        };
        return (
          <div class="field" key={field}>
            <label for={id}>{t(label)}</label>
            {multiline ? <textarea rows={3} {...props} /> : <input type={type ?? 'text'} autoComplete={autocomplete} {...props} />}
            {error && (
              <p class="problem field-error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" disabled={busy.value} aria-busy={busy.value}>
          {t('saveContact')}
        </button>
        <span role="status" class="saved">
          {saved.value ? t('contactSaved') : ''}
        </span>
      </div>
    </form>
  );
}
