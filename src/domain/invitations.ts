import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.ts';
import { notFound } from './errors.ts';
import { sha256 } from './api-keys.ts';
import { hashPassword } from './passwords.ts';
import { openSession, revokeUserSessions } from './sessions.ts';
import type { User } from './model.ts';
import { userFromRow } from '../db/rows.ts';
import { userInboxIds } from '../db/repos/resources.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** A one-time invitation token for a live user; a new invitation voids the user's earlier unused ones. */
export async function inviteUser(ctx: Ctx, workspaceId: string, userId: string): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + INVITATION_TTL_MS;
  await ctx.transact(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!user) throw notFound('user', userId);
    await trx
      .updateTable('user_invitations')
      .set({ used_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('user_invitations')
      .values({ token_hash: sha256(token), workspace_id: workspaceId, user_id: userId, created_at: now, expires_at: expiresAt, used_at: null })
      .execute();
  });
  return { token, expiresAt };
}

/** What an invitation page shows before the password is chosen: whose it is and in which workspace; unknown, used or expired → not found. */
export async function describeInvitation(
  ctx: Ctx,
  token: string,
): Promise<{ user: { name: string; email: string }; workspace: { id: string; name: string }; expiresAt: number }> {
  const row = await ctx.db
    .selectFrom('user_invitations as i')
    .innerJoin('users as u', (j) => j.onRef('u.workspace_id', '=', 'i.workspace_id').onRef('u.id', '=', 'i.user_id'))
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .select(['u.name', 'u.email', 'w.id as workspace_id', 'w.name as workspace_name', 'i.expires_at'])
    .where('i.token_hash', '=', sha256(token))
    .where('i.used_at', 'is', null)
    .where('i.expires_at', '>', Date.now())
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('invitation');
  return { user: { name: row.name, email: row.email }, workspace: { id: row.workspace_id, name: row.workspace_name }, expiresAt: row.expires_at };
}

/**
 * Sets the invited user's password and consumes the invitation; unknown, used or expired → not found.
 * The user's earlier sessions end and a new one opens: the page that accepted it is signed in.
 */
export async function acceptInvitation(
  ctx: Ctx,
  token: string,
  password: string,
): Promise<{ user: User; workspace: { id: string; name: string }; token: string; expiresAt: number }> {
  const passwordHash = await hashPassword(password);
  return ctx.transact(async (trx) => {
    const now = Date.now();
    // The conditional update claims the invitation: of two concurrent uses, one finds it already used.
    const claimed = await trx
      .updateTable('user_invitations')
      .set({ used_at: now })
      .where('token_hash', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['workspace_id', 'user_id'])
      .executeTakeFirst();
    if (!claimed) throw notFound('invitation');
    const updated = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('workspace_id', '=', claimed.workspace_id)
      .where('id', '=', claimed.user_id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw notFound('invitation');
    await revokeUserSessions(trx, claimed.workspace_id, claimed.user_id);
    const row = await trx
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', claimed.workspace_id)
      .where('id', '=', claimed.user_id)
      .executeTakeFirstOrThrow();
    const workspace = await trx.selectFrom('workspaces').select(['id', 'name']).where('id', '=', claimed.workspace_id).executeTakeFirstOrThrow();
    const inboxes = row.all_inboxes ? null : ((await userInboxIds(trx, row.workspace_id, [row.id])).get(row.id) ?? []);
    const session = await openSession(trx, claimed.workspace_id, claimed.user_id);
    return { user: userFromRow(row, inboxes), workspace, ...session };
  });
}
