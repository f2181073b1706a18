import type { Ctx } from './context.ts';
import { sha256 } from './api-keys.ts';
import { notFound } from './errors.ts';
import { countLoginFailure, throttledFor } from './logins.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export type PasswordChangeResult = { ok: true } | { ok: false; reason: 'wrong_password' } | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * A signed-in user changes their own password, proving the current one. A wrong current password
 * counts as a failed sign-in for the user's e-mail (the same ten-in-ten-minutes throttle), so a
 * borrowed session cannot guess it without limit. The user's other sessions end; the one making the
 * change (its token) stays.
 */
export async function changeOwnPassword(
  ctx: Ctx,
  workspaceId: string,
  userId: string,
  sessionToken: string,
  currentPassword: string,
  newPassword: string,
): Promise<PasswordChangeResult> {
  const row = await ctx.db
    .selectFrom('users')
    .select(['email_key', 'password_hash'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('user', userId);
  const now = Date.now();
  const wait = await throttledFor(ctx, row.email_key, now);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  if (!(await verifyPassword(currentPassword, row.password_hash))) {
    await countLoginFailure(ctx, row.email_key, now);
    return { ok: false, reason: 'wrong_password' };
  }
  const passwordHash = await hashPassword(newPassword);
  const done = await ctx.transact(async (trx) => {
    const changed = Date.now();
    const updated = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: changed })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      // Two changes racing from the same old password: only the first one that read it wins.
      .where('password_hash', '=', row.password_hash)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('sessions')
      .set({ revoked_at: changed })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('token_hash', '!=', sha256(sessionToken))
      .execute();
    return true;
  });
  return done ? { ok: true } : { ok: false, reason: 'wrong_password' };
}
