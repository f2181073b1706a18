import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import type { Person } from '../model.ts';
import { normalisePhone, searchKey } from '../text.ts';
import { flag, personFromRow } from '../../db/rows.ts';
import { personTagIds } from '../../db/repos/resources.ts';
import type { Db } from '../../db/connect.ts';
import { tagsByIds, type TagSummary } from '../../db/repos/conversation-views.ts';
import { likePattern, pageByIdWith, pageOffset, type NumberedPage, type NumberedPageRequest, type PageRequest, type PageResult } from '../resources/paging.ts';

export interface PersonFilter {
  inboxId?: string;
  /** A part of the name (accents and case ignored). */
  search?: string;
  /** A part of the e-mail address, any case. */
  email?: string;
  phoneNumber?: string;
  referenceId?: string;
  isBlocked?: boolean;
  /** People with any of these tags. */
  tagIds?: string[];
  /** The caller's inboxes (an agent's); null or absent: every inbox. */
  inboxIds?: string[] | null;
}

/** A person of a numbered list with what the list shows beside it: its conversation in its inbox and its tags' names. */
export interface PersonListItem {
  person: Person;
  conversationId: string | null;
  tags: TagSummary[];
}

/** The workspace's live people the filter selects. */
function filteredPeople(db: Db, workspaceId: string, filter: PersonFilter) {
  let q = db.selectFrom('people as p').where('p.workspace_id', '=', workspaceId).where('p.deleted_at', 'is', null);
  if (filter.inboxId) q = q.where('p.inbox_id', '=', filter.inboxId);
  if (filter.inboxIds) q = filter.inboxIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('p.inbox_id', 'in', filter.inboxIds);
  if (filter.referenceId) q = q.where('p.reference_id', '=', filter.referenceId);
  if (filter.isBlocked !== undefined) q = q.where('p.is_blocked', '=', flag(filter.isBlocked));
  if (filter.phoneNumber !== undefined) {
    // A filter that cannot be a stored number matches nobody rather than failing. The ids come from
    // the phone index (one probe per inbox): filtered in place, the id order would scan every person.
    const phone = normalisePhone(filter.phoneNumber) ?? '';
    q = q.where('p.id', 'in', (eb) =>
      eb
        .selectFrom('people as ph')
        .select('ph.id')
        .where('ph.workspace_id', '=', workspaceId)
        .where('ph.inbox_id', 'in', eb.selectFrom('inboxes').select('inboxes.id').where('inboxes.workspace_id', '=', workspaceId))
        .where('ph.phone_number', '=', phone)
        .where('ph.deleted_at', 'is', null),
    );
  }
  if (filter.tagIds?.length) {
    const tagIds = filter.tagIds;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('person_tags as pt')
          .select('pt.tag_id')
          .whereRef('pt.workspace_id', '=', 'p.workspace_id')
          .whereRef('pt.person_id', '=', 'p.id')
          .where('pt.tag_id', 'in', tagIds),
      ),
    );
  }
  if (filter.search?.trim()) q = q.where(sql<boolean>`p.search_text like ${likePattern(searchKey(filter.search.trim()))} escape '\\'`);
  if (filter.email?.trim()) q = q.where(sql<boolean>`lower(p.email) like ${likePattern(filter.email.trim().toLowerCase())} escape '\\'`);
  return q;
}

/** One keyset page of people by id, after `page.afterId`. */
export function listPeople(ctx: Ctx, workspaceId: string, filter: PersonFilter, page: PageRequest): Promise<PageResult<Person>> {
  return pageByIdWith(filteredPeople(ctx.db, workspaceId, filter).selectAll('p'), page, async (rows) => {
    const tags = await personTagIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => personFromRow(r, tags.get(r.id) ?? []));
  });
}

/**
 * One numbered page of people by id (every match when `paging` is null), with the exact number of
 * them, each with its conversation (in the filter's inbox when it names one) and its tags' names.
 */
export async function listPeopleByPage(
  ctx: Ctx,
  workspaceId: string,
  filter: PersonFilter,
  paging: NumberedPageRequest | null,
): Promise<NumberedPage<PersonListItem>> {
  const q = filteredPeople(ctx.db, workspaceId, filter);
  const ordered = q.selectAll('p').orderBy('p.id');
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    (paging ? ordered.limit(paging.limit).offset(pageOffset(paging.page, paging.limit)) : ordered).execute(),
  ]);
  const ids = rows.map((r) => r.id);
  const [tagIds, conversations] = await Promise.all([personTagIds(ctx.db, workspaceId, ids), conversationsOfPeople(ctx.db, workspaceId, ids, filter.inboxId)]);
  const tags = await tagsByIds(ctx.db, workspaceId, [...tagIds.values()].flat());
  const conversationOf = new Map(conversations.map((c) => [c.person_id, c.id]));
  return {
    items: rows.map((r) => {
      const person = personFromRow(r, tagIds.get(r.id) ?? []);
      return { person, conversationId: conversationOf.get(r.id) ?? null, tags: person.tagIds.flatMap((id) => tags.get(id) ?? []) };
    }),
    total: Number(count.n),
  };
}

async function conversationsOfPeople(db: Db, workspaceId: string, personIds: string[], inboxId: string | undefined) {
  if (personIds.length === 0) return [];
  let q = db.selectFrom('conversations').select(['id', 'person_id']).where('workspace_id', '=', workspaceId).where('person_id', 'in', personIds);
  if (inboxId) q = q.where('inbox_id', '=', inboxId);
  return q.execute();
}
