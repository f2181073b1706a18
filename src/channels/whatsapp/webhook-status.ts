import { asObject, asPhone, asText, readError, readErrors, secondsToMs } from './json-fields.ts';
import type { WaItem, WaStatus } from './webhook-types.ts';

const STATUSES: readonly WaStatus[] = ['sent', 'delivered', 'read', 'played', 'failed'];

/** One element of `value.statuses[]` (vendor notes §3); an unknown status value is invalid, never guessed. */
export function parseStatus(raw: unknown): WaItem {
  const status = asObject(raw);
  if (status === null) return { kind: 'invalid', reason: 'status: not an object', raw };
  const wamid = asText(status.id);
  if (wamid === null) return { kind: 'invalid', reason: 'status: no id', raw };
  const value = asText(status.status);
  if (!STATUSES.includes(value as WaStatus)) return { kind: 'invalid', reason: `status: unknown status ${JSON.stringify(status.status)}`, raw };
  const timestamp = secondsToMs(status.timestamp);
  if (timestamp === null) return { kind: 'invalid', reason: 'status: no readable timestamp', raw };
  // In a group `recipient_id` is the group; the person is the participant.
  const inGroup = status.recipient_type === 'group';
  return {
    kind: 'status',
    wamid,
    status: value as WaStatus,
    timestamp,
    recipientPhone: asPhone(inGroup ? status.recipient_participant_id : status.recipient_id),
    recipientUserId: asText(inGroup ? (status.recipient_participant_user_id ?? status.recipient_user_id) : status.recipient_user_id),
    bizOpaqueCallbackData: asText(status.biz_opaque_callback_data),
    errors: readErrors(status.errors).map(({ code, title, message }) => ({ code, title, message })),
  };
}

/** One element of `value.errors[]`: a problem with the app or account, tied to no message. */
export function parseValueError(raw: unknown): WaItem {
  if (asObject(raw) === null) return { kind: 'invalid', reason: 'error: not an object', raw };
  return { kind: 'error', ...readError(raw) };
}
