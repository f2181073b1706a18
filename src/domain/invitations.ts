import { randomBytes } from 'node:crypto';
import type { Ctx } from './context.ts';
import { notFound } from './errors.ts';
import { sha256 } from './api-keys.ts';
import { hashPassword } from './passwords.ts';
import { revokeUserSessions } from './sessions.ts';

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

/** Sets the invited user's password and consumes the invitation; unknown, used or expired → not found. */
export async function acceptInvitation(ctx: Ctx, token: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await ctx.transact(async (trx) => {
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
  });
}
