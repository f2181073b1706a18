/** Defensive readers for untrusted webhook JSON: each returns null instead of throwing. */

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** A non-empty string (numbers are accepted because some senders serialise ids as numbers). */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A phone number as digits only; null for anything that is not a phone (a BSUID or group id has letters). */
export function asPhone(value: unknown): string | null {
  const text = asText(value);
  if (text === null || !/^[+\d\s().-]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  return digits === '' ? null : digits;
}

export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** Meta's timestamps are strings of Unix seconds; the model keeps milliseconds. */
export function secondsToMs(value: unknown): number | null {
  const seconds = asNumber(value);
  return seconds === null || seconds < 0 ? null : Math.round(seconds * 1000);
}

/** Meta's error object (value.errors, messages[].errors, statuses[].errors), read leniently. */
export function readError(value: unknown): { code: number | null; title: string; message: string | null; details: string | null } {
  const error = asObject(value) ?? {};
  const code = asNumber(error.code);
  const message = asText(error.message);
  return {
    code: code === null ? null : Math.trunc(code),
    title: asText(error.title) ?? message ?? 'Unknown error',
    message,
    details: asText(asObject(error.error_data)?.details),
  };
}

export function readErrors(value: unknown) {
  return Array.isArray(value) ? value.map(readError) : [];
}
