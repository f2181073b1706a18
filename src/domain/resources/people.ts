import type { Ctx, Actor } from '../context.ts';
import type { Person } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isEmail, normalisePhone, searchKey } from '../text.ts';
import { requireExisting } from '../lookups.ts';
import { emitEvent } from '../../events/outbox.ts';
import { flag, personFromRow } from '../../db/rows.ts';
import { personTagIds } from '../../db/repos/resources.ts';
import { tagsByIds, type TagSummary } from '../../db/repos/conversation-views.ts';
import { forUpdate, isUniqueViolation, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { distinct, optionalText } from './paging.ts';

export interface PersonFields {
  name?: string | null;
  /** Any formatting; stored as E.164 digits (8–15), unique per inbox. */
  phoneNumber?: string | null;
  email?: string | null;
  imageUrl?: string | null;
  document?: string | null;
  description?: string | null;
  country?: string | null;
  city?: string | null;
  isBlocked?: boolean;
  referenceId?: string | null;
  /** Tags of the person's inbox; replaces the set. */
  tagIds?: string[];
}
export interface PersonInput extends PersonFields {
  inboxId: string;
}
export type PersonPatch = PersonFields;
const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('people').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

function checkPhone(raw: string | null | undefined): string | null {
  const text = optionalText(raw);
  if (text === null) return null;
  const phone = normalisePhone(text);
  if (!phone) throw invalid('phoneNumber must have 8 to 15 digits', 'invalid_phone', 'phoneNumber');
  return phone;
}

function checkEmail(raw: string | null | undefined): string | null {
  const text = optionalText(raw);
  if (text !== null && !isEmail(text)) throw invalid('email is not a valid e-mail address', 'validation_failed', 'email');
  return text;
}

const phoneTaken = (phone: string) => conflict(`A person with phone number ${phone} already exists in this inbox`, 'phone_taken');

async function requirePhoneFree(trx: Tx, workspaceId: string, inboxId: string, phone: string, exceptId: string | null): Promise<void> {
  let q = trx
    .selectFrom('people')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('inbox_id', '=', inboxId)
    .where('phone_number', '=', phone)
    .where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw phoneTaken(phone);
}

/** Unknown tags are 404; tags of another inbox break the rule that a person's tags are its inbox's (400). */
async function requireTags(trx: Tx, workspaceId: string, inboxId: string, tagIds: string[]): Promise<string[]> {
  const ids = distinct(tagIds).sort();
  if (ids.length === 0) return ids;
  const rows = await trx.selectFrom('tags').select(['id', 'inbox_id']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
  const found = new Map(rows.map((r) => [r.id, r.inbox_id]));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw notFound('tag', missing);
  const foreign = ids.find((id) => found.get(id) !== inboxId);
  if (foreign) throw invalid(`Tag ${foreign} belongs to another inbox than the person`, 'tag_inbox_mismatch', 'tagIds');
  return ids;
}

async function replaceTags(trx: Tx, workspaceId: string, personId: string, tagIds: string[]): Promise<void> {
  await trx.deleteFrom('person_tags').where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
  if (tagIds.length > 0) {
    await trx
      .insertInto('person_tags')
      .values(tagIds.map((tag_id) => ({ workspace_id: workspaceId, person_id: personId, tag_id })))
      .execute();
  }
}

/**
 * The person as contact.* events carry it: the domain Person plus its tags' names and colours, which
 * webhook formatters (JuriChat's person has `tags: [{id, name, color}]`) cannot look up themselves.
 */
export async function eventPerson(trx: Tx, person: Person): Promise<Person & { tags: TagSummary[] }> {
  const tags = await tagsByIds(trx, person.workspaceId, person.tagIds);
  // person.tagIds are in id order (sorted when set, read ordered by tag_id).
  return { ...person, tags: person.tagIds.flatMap((id) => tags.get(id) ?? []) };
}

async function withUniquePhone<T>(phone: string | null, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw phoneTaken(phone ?? '');
    throw error;
  }
}

export async function getPerson(ctx: Ctx, workspaceId: string, id: string): Promise<Person> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('person', id);
  return personFromRow(row, (await personTagIds(ctx.db, workspaceId, [id])).get(id) ?? []);
}

/** Creates a person in an inbox and emits `contact.created` in the same transaction. */
export async function createPerson(ctx: Ctx, workspaceId: string, input: PersonInput, actor: Actor): Promise<Person> {
  const phone = checkPhone(input.phoneNumber);
  const email = checkEmail(input.email);
  return withUniquePhone(phone, () =>
    ctx.transact(async (trx) => {
      await requireExisting(trx, 'inboxes', workspaceId, input.inboxId);
      const tagIds = await requireTags(trx, workspaceId, input.inboxId, input.tagIds ?? []);
      if (phone) await requirePhoneFree(trx, workspaceId, input.inboxId, phone, null);
      const now = Date.now();
      const name = optionalText(input.name);
      const row = {
        workspace_id: workspaceId,
        id: newId(),
        inbox_id: input.inboxId,
        name,
        phone_number: phone,
        email,
        image_url: optionalText(input.imageUrl),
        document: optionalText(input.document),
        description: optionalText(input.description),
        country: optionalText(input.country),
        city: optionalText(input.city),
        is_blocked: flag(input.isBlocked ?? false),
        reference_id: optionalText(input.referenceId),
        search_text: searchKey(name, phone),
        created_at: now,
        updated_at: now,
        deleted_at: null,
        bsuid: null,
      };
      await trx.insertInto('people').values(row).execute();
      await replaceTags(trx, workspaceId, row.id, tagIds);
      const person = personFromRow(row, tagIds);
      await emitEvent(ctx, trx, workspaceId, 'contact.created', null, { person: await eventPerson(trx, person), actor });
      return person;
    }),
  );
}

/**
 * Changes the given fields and emits `contact.updated` when anything changed. A new name or phone
 * number is also what the person's conversations are searched by.
 */
export async function updatePerson(ctx: Ctx, workspaceId: string, id: string, patch: PersonPatch, actor: Actor): Promise<Person> {
  const phone = patch.phoneNumber !== undefined ? checkPhone(patch.phoneNumber) : undefined;
  const email = patch.email !== undefined ? checkEmail(patch.email) : undefined;
  return withUniquePhone(phone ?? null, () =>
    ctx.transact(async (trx) => {
      const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
      if (!row) throw notFound('person', id);
      const tagIds = patch.tagIds !== undefined ? await requireTags(trx, workspaceId, row.inbox_id, patch.tagIds) : undefined;
      if (phone && phone !== row.phone_number) await requirePhoneFree(trx, workspaceId, row.inbox_id, phone, id);

      const next = { ...row };
      if (patch.name !== undefined) next.name = optionalText(patch.name);
      if (phone !== undefined) next.phone_number = phone;
      if (email !== undefined) next.email = email;
      if (patch.imageUrl !== undefined) next.image_url = optionalText(patch.imageUrl);
      if (patch.document !== undefined) next.document = optionalText(patch.document);
      if (patch.description !== undefined) next.description = optionalText(patch.description);
      if (patch.country !== undefined) next.country = optionalText(patch.country);
      if (patch.city !== undefined) next.city = optionalText(patch.city);
      if (patch.isBlocked !== undefined) next.is_blocked = flag(patch.isBlocked);
      if (patch.referenceId !== undefined) next.reference_id = optionalText(patch.referenceId);
      next.search_text = searchKey(next.name, next.phone_number);

      const previousTags = (await personTagIds(trx, workspaceId, [id])).get(id) ?? [];
      const tagsChanged = tagIds !== undefined && tagIds.join(',') !== previousTags.join(',');
      const columns = ['name', 'phone_number', 'email', 'image_url', 'document', 'description', 'country', 'city', 'is_blocked', 'reference_id'] as const;
      if (!tagsChanged && !columns.some((c) => next[c] !== row[c])) return personFromRow(row, previousTags);

      next.updated_at = Date.now();
      await trx
        .updateTable('people')
        .set({
          name: next.name,
          phone_number: next.phone_number,
          email: next.email,
          image_url: next.image_url,
          document: next.document,
          description: next.description,
          country: next.country,
          city: next.city,
          is_blocked: next.is_blocked,
          reference_id: next.reference_id,
          search_text: next.search_text,
          updated_at: next.updated_at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
      if (tagsChanged) await replaceTags(trx, workspaceId, id, tagIds!);
      if (next.search_text !== row.search_text) {
        // Same key as findOrCreateConversation writes for a person's conversation.
        await trx
          .updateTable('conversations')
          .set({ search_text: searchKey(next.name, next.phone_number) })
          .where('workspace_id', '=', workspaceId)
          .where('person_id', '=', id)
          .execute();
      }
      const person = personFromRow(next, tagIds ?? previousTags);
      await emitEvent(ctx, trx, workspaceId, 'contact.updated', null, { person: await eventPerson(trx, person), actor });
      return person;
    }),
  );
}

/** Soft-deletes the person (its phone number becomes free in the inbox) and emits `contact.deleted`. */
export async function deletePerson(ctx: Ctx, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('person', id);
    const now = Date.now();
    await trx.updateTable('people').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    const tags = (await personTagIds(trx, workspaceId, [id])).get(id) ?? [];
    await emitEvent(ctx, trx, workspaceId, 'contact.deleted', null, {
      person: await eventPerson(trx, personFromRow({ ...row, updated_at: now }, tags)),
      actor,
    });
  });
}
