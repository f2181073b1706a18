import type { Ctx } from '../context.ts';
import type { Group } from '../model.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { searchKey } from '../text.ts';
import { groupFromRow } from '../../db/rows.ts';
import { groupMemberIds } from '../../db/repos/resources.ts';
import { forUpdate, isUniqueViolation, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { distinct, optionalText, requiredName, pageByIdWith, type PageRequest, type PageResult } from './paging.ts';

/** A group with its current members (people whose membership is on). */
export interface GroupWithMembers extends Group {
  memberIds: string[];
}

export interface GroupInput {
  channelId: string;
  name: string;
  externalId?: string | null;
  imageUrl?: string | null;
}
export type GroupPatch = Partial<Omit<GroupInput, 'channelId'>>;
export interface GroupFilter {
  inboxId?: string;
  channelId?: string;
  externalId?: string;
}

const find = (db: Db | Tx, workspaceId: string, id: string) => db.selectFrom('groups').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);

const externalIdTaken = (externalId: string) => conflict(`A group with externalId ${externalId} already exists in this inbox`, 'external_id_taken');

async function withUniqueExternalId<T>(externalId: string | null | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw externalIdTaken(externalId ?? '');
    throw error;
  }
}

async function requireExternalIdFree(trx: Tx, workspaceId: string, inboxId: string, externalId: string, exceptId: string | null): Promise<void> {
  let q = trx.selectFrom('groups').select('id').where('workspace_id', '=', workspaceId).where('inbox_id', '=', inboxId).where('external_id', '=', externalId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw externalIdTaken(externalId);
}

export function listGroups(ctx: Ctx, workspaceId: string, filter: GroupFilter, page: PageRequest): Promise<PageResult<GroupWithMembers>> {
  let q = ctx.db.selectFrom('groups').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.inboxId) q = q.where('inbox_id', '=', filter.inboxId);
  if (filter.channelId) q = q.where('channel_id', '=', filter.channelId);
  if (filter.externalId) q = q.where('external_id', '=', filter.externalId);
  return pageByIdWith(q, page, async (rows) => {
    const members = await groupMemberIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...groupFromRow(r), memberIds: members.get(r.id) ?? [] }));
  });
}

export async function getGroup(ctx: Ctx, workspaceId: string, id: string): Promise<GroupWithMembers> {
  const row = await find(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('group', id);
  return { ...groupFromRow(row), memberIds: (await groupMemberIds(ctx.db, workspaceId, [id])).get(id) ?? [] };
}

/** A group lives on a channel; its inbox is the channel's. `externalId` (the network's group id) is unique per inbox. */
export async function createGroup(ctx: Ctx, workspaceId: string, input: GroupInput): Promise<GroupWithMembers> {
  const externalId = optionalText(input.externalId);
  return withUniqueExternalId(externalId, () =>
    ctx.transact(async (trx) => {
      const channel = await trx
        .selectFrom('channels')
        .select(['id', 'inbox_id'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', input.channelId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!channel) throw notFound('channel', input.channelId);
      if (externalId) await requireExternalIdFree(trx, workspaceId, channel.inbox_id, externalId, null);
      const now = Date.now();
      const row = {
        workspace_id: workspaceId,
        id: newId(),
        inbox_id: channel.inbox_id,
        channel_id: channel.id,
        name: requiredName(input.name),
        external_id: externalId,
        image_url: optionalText(input.imageUrl),
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('groups').values(row).execute();
      return { ...groupFromRow(row), memberIds: [] };
    }),
  );
}

/** Name, image and externalId can change; a new name is also what the group's conversation is searched by. */
export async function updateGroup(ctx: Ctx, workspaceId: string, id: string, patch: GroupPatch): Promise<GroupWithMembers> {
  const externalId = patch.externalId !== undefined ? optionalText(patch.externalId) : undefined;
  return withUniqueExternalId(externalId, () =>
    ctx.transact(async (trx) => {
      const row = await forUpdate(find(trx, workspaceId, id), ctx.engine).executeTakeFirst();
      if (!row) throw notFound('group', id);
      if (externalId && externalId !== row.external_id) await requireExternalIdFree(trx, workspaceId, row.inbox_id, externalId, id);
      const next = { ...row };
      if (patch.name !== undefined) next.name = requiredName(patch.name);
      if (externalId !== undefined) next.external_id = externalId;
      if (patch.imageUrl !== undefined) next.image_url = optionalText(patch.imageUrl);
      const memberIds = (await groupMemberIds(trx, workspaceId, [id])).get(id) ?? [];
      if (next.name === row.name && next.external_id === row.external_id && next.image_url === row.image_url) return { ...groupFromRow(row), memberIds };
      next.updated_at = Date.now();
      await trx
        .updateTable('groups')
        .set({ name: next.name, external_id: next.external_id, image_url: next.image_url, updated_at: next.updated_at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
      if (next.name !== row.name) {
        // Same key as findOrCreateConversation writes for a group's conversation.
        await trx
          .updateTable('conversations')
          .set({ search_text: searchKey(next.name) })
          .where('workspace_id', '=', workspaceId)
          .where('group_id', '=', id)
          .execute();
      }
      return { ...groupFromRow(next), memberIds };
    }),
  );
}

/**
 * Replaces the membership: the listed people become (or stay) members, everyone else who was a member
 * is marked as no longer one (the history row stays). Unknown people are 404; people of another inbox 400.
 */
export async function setGroupMembers(ctx: Ctx, workspaceId: string, id: string, personIds: string[]): Promise<GroupWithMembers> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(find(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('group', id);
    const wanted = distinct(personIds).sort();
    const people =
      wanted.length === 0
        ? []
        : await trx
            .selectFrom('people')
            .select(['id', 'inbox_id'])
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', wanted)
            .where('deleted_at', 'is', null)
            .execute();
    const inboxOf = new Map(people.map((p) => [p.id, p.inbox_id]));
    const missing = wanted.find((p) => !inboxOf.has(p));
    if (missing) throw notFound('person', missing);
    const foreign = wanted.find((p) => inboxOf.get(p) !== row.inbox_id);
    if (foreign) throw invalid(`Person ${foreign} belongs to another inbox than the group`, 'person_inbox_mismatch', 'personIds');

    const current = await trx
      .selectFrom('group_members')
      .select(['person_id', 'is_member'])
      .where('workspace_id', '=', workspaceId)
      .where('group_id', '=', id)
      .execute();
    const state = new Map(current.map((m) => [m.person_id, m.is_member === 1]));
    const wantedSet = new Set(wanted);
    const leaving = current.filter((m) => m.is_member === 1 && !wantedSet.has(m.person_id)).map((m) => m.person_id);
    const rejoining = wanted.filter((p) => state.get(p) === false);
    const joining = wanted.filter((p) => !state.has(p));
    const now = Date.now();
    if (leaving.length > 0) {
      await trx
        .updateTable('group_members')
        .set({ is_member: 0, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('group_id', '=', id)
        .where('person_id', 'in', leaving)
        .execute();
    }
    if (rejoining.length > 0) {
      await trx
        .updateTable('group_members')
        .set({ is_member: 1, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('group_id', '=', id)
        .where('person_id', 'in', rejoining)
        .execute();
    }
    if (joining.length > 0) {
      await trx
        .insertInto('group_members')
        .values(joining.map((person_id) => ({ workspace_id: workspaceId, group_id: id, person_id, is_member: 1, updated_at: now })))
        .execute();
    }
    const changed = leaving.length + rejoining.length + joining.length > 0;
    if (changed) await trx.updateTable('groups').set({ updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    return { ...groupFromRow(changed ? { ...row, updated_at: now } : row), memberIds: wanted };
  });
}
