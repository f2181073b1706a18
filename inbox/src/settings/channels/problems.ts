import { ApiError } from '../../api.ts';
import { t } from '../../i18n.ts';

/** What to tell the admin about a failed request, in their language where the reason is known. */
export function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('unexpectedError', { status: '?' });
  if (error.status === 0) return t('networkError');
  if (error.details.reason === 'phone_number_taken') return t('phoneNumberTaken');
  if (error.status === 400 || error.status === 409) return error.message;
  return t('unexpectedError', { status: error.status });
}

/** A 400's field messages (and a 409 that belongs to a field) keyed by the API's field name (`name`, `config.phoneNumberId`). */
export function fieldProblems(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  if (error.details.reason === 'phone_number_taken') return { 'config.phoneNumberId': t('phoneNumberTaken') };
  const found: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.details.fields ?? {})) {
    const key = field.replace(/^body\./, '');
    found[key] = messages.join(' ') || error.message;
  }
  return found;
}
