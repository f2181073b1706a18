import { Type } from 'typebox';
import { isValidId } from '../../../domain/ids.ts';
import type { PageRequest, PageResult } from '../../../domain/resources/paging.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { HttpError } from '../../../http/problem.ts';

export const DEFAULT_PAGE_SIZE = 50;

/** `?limit=&cursor=` of an id-ordered list; the cursor is the last id of the previous page (opaque to clients). */
export function pageRequest(query: { limit?: number; cursor?: string }): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!query.cursor) return { limit, afterId: null };
  const [afterId] = decodeCursor(query.cursor, ['string']);
  if (!isValidId(afterId)) throw new HttpError(400, 'cursor is not a valid cursor', 'invalid_cursor', { cursor: ['is not a valid cursor'] });
  return { limit, afterId };
}

export function presentPage<T, R>(page: PageResult<T>, present: (item: T) => R): { data: R[]; nextCursor: string | null } {
  return { data: page.items.map(present), nextCursor: page.nextAfterId ? encodeCursor([page.nextAfterId]) : null };
}

/** What a delete answers: nothing. */
export const Deleted = Type.Null({ description: 'Deleted: no content' });

/** Optional text fields of bodies: absent leaves the value, null (or blank) clears it. */
export const OptionalText = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));
export const OptionalUrl = Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2048 }), Type.Null()]));
export const Name = Type.String({ minLength: 1, maxLength: 255 });
