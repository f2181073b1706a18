/** Lowercase, accents stripped: what accent- and case-insensitive search compares. */
export function searchKey(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join(' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/** E.164 digits only (no `+`): what people are unique by within an inbox. Null when not 8–15 digits. */
export function normalisePhone(raw: string): string | null {
  const digits = raw.replace(/[^\d]/g, '');
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}
