import { HttpError } from './problem.ts';

/** Keyset cursors are opaque to clients: base64url of a JSON array of the sort key's parts. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** Decodes a cursor whose parts have the given types; anything else is a 400 naming the cursor. */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  types: T,
  field = 'cursor',
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let parts: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new HttpError(400, `${field} is not a valid cursor`, 'invalid_cursor', { [field]: ['is not a valid cursor'] });
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== types.length ||
    parts.some((p, i) => typeof p !== types[i] || (typeof p === 'number' && !Number.isSafeInteger(p)))
  ) {
    throw new HttpError(400, `${field} is not a valid cursor`, 'invalid_cursor', { [field]: ['is not a valid cursor'] });
  }
  return parts as never;
}
