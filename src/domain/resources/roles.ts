import type { Ctx } from '../context.ts';
import type { Role } from '../model.ts';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { roleFromRow } from '../../db/rows.ts';
import { forUpdate, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { requiredName, pageById, type PageRequest, type PageResult } from './paging.ts';

export interface RoleInput {
  name: string;
}
export type RolePatch = Partial<RoleInput>;

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('roles').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

export async function listRoles(ctx: Ctx, workspaceId: string, page: PageRequest): Promise<PageResult<Role>> {
  const q = ctx.db.selectFrom('roles').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  return pageById(q, page, roleFromRow);
}

export async function getRole(ctx: Ctx, workspaceId: string, id: string): Promise<Role> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('role', id);
  return roleFromRow(row);
}

export async function createRole(ctx: Ctx, workspaceId: string, input: RoleInput): Promise<Role> {
  const now = Date.now();
  const row = { workspace_id: workspaceId, id: newId(), name: requiredName(input.name), created_at: now, updated_at: now, deleted_at: null };
  await ctx.db.insertInto('roles').values(row).execute();
  return roleFromRow(row);
}

export async function updateRole(ctx: Ctx, workspaceId: string, id: string, patch: RolePatch): Promise<Role> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('role', id);
    const name = patch.name !== undefined ? requiredName(patch.name) : row.name;
    if (name === row.name) return roleFromRow(row);
    const next = { ...row, name, updated_at: Date.now() };
    await trx.updateTable('roles').set({ name, updated_at: next.updated_at }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    return roleFromRow(next);
  });
}

/**
 * Soft-deletes the role and takes it off the users that had it (their roleId becomes null).
 * Conversations keep the role they were routed to, as history.
 */
export async function deleteRole(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  await ctx.transact(async (trx) => {
    const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
    if (!row) throw notFound('role', id);
    const now = Date.now();
    await trx.updateTable('roles').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    await trx
      .updateTable('users')
      .set({ role_id: null, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('role_id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
  });
}
