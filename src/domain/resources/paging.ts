import { type SelectQueryBuilder, sql } from 'kysely';
import { invalid } from '../errors.ts';

/** Keyset page of a workspace resource: ordered by id ascending (ids are time-sortable), after `afterId`. */
export interface PageRequest {
  limit: number;
  afterId: string | null;
}
export interface PageResult<T> {
  items: T[];
  nextAfterId: string | null;
}

/** Page-number paging (1-based `page` of `limit` items), answered with the exact total. */
export interface NumberedPageRequest {
  page: number;
  limit: number;
}
export interface NumberedPage<T> {
  items: T[];
  total: number;
}

/** Keyset paging on a sort key of type `C`: the items after `after` (null: from the start), and the key the next page starts after. */
export interface CursorPageRequest<C> {
  after: C | null;
  limit: number;
}
export interface CursorPage<T, C> {
  items: T[];
  next: C | null;
}

/** Rows before `page`; a page far past the end (`page=1e308`) is simply empty, so the offset stays an integer both engines take. */
export const pageOffset = (page: number, limit: number) => Math.min((page - 1) * limit, Number.MAX_SAFE_INTEGER);

/** Rows were fetched with `limit + 1`: keep `limit` of them and say where the next page starts. */
export function splitPage<R extends { id: string }>(rows: R[], limit: number): { rows: R[]; nextAfterId: string | null } {
  const page = rows.slice(0, limit);
  return { rows: page, nextAfterId: rows.length > limit && page.length > 0 ? page[page.length - 1].id : null };
}

/** One keyset page of a single-table query, by `id` ascending after `page.afterId`; rows mapped by `present`. */
export function pageById<DB, TB extends keyof DB, R extends { id: string }, T>(
  query: SelectQueryBuilder<DB, TB, R>,
  page: PageRequest,
  present: (row: R) => T,
): Promise<PageResult<T>> {
  return pageByIdWith(query, page, async (rows) => rows.map(present));
}

/** As pageById, the page's rows made items all at once by `presentAll` (one lookup of their related rows for the whole page). */
export async function pageByIdWith<DB, TB extends keyof DB, R extends { id: string }, T>(
  query: SelectQueryBuilder<DB, TB, R>,
  page: PageRequest,
  presentAll: (rows: R[]) => Promise<T[]>,
): Promise<PageResult<T>> {
  const id = sql.ref<string>('id');
  const bounded = page.afterId ? query.where(id, '>', page.afterId) : query;
  const { rows, nextAfterId } = splitPage(
    await bounded
      .orderBy(id)
      .limit(page.limit + 1)
      .execute(),
    page.limit,
  );
  return { items: await presentAll(rows), nextAfterId };
}

/** A required display name: trimmed, never blank. */
export function requiredName(value: string, field = 'name'): string {
  const trimmed = value.trim();
  if (!trimmed) throw invalid(`${field} must not be blank`, 'validation_failed', field);
  return trimmed;
}

/** An optional text: trimmed; blank becomes null. */
export function optionalText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Distinct values, first occurrence order kept. */
export const distinct = <T>(values: T[]): T[] => [...new Set(values)];

/** `%needle%` for a LIKE with `escape '\'`. */
export const likePattern = (needle: string): string => `%${needle.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
