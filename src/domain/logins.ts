import type { Ctx } from './context.ts';
import type { User } from './model.ts';
import { newId } from './ids.ts';
import { emailKey } from './text.ts';
import { verifyPassword } from './passwords.ts';
import { openSession } from './sessions.ts';
import { userFromRow } from '../db/rows.ts';
import { userInboxIds } from '../db/repos/resources.ts';

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 10 * 60 * 1000;

export type LoginResult =
  | { ok: true; user: User; workspace: { id: string; name: string }; token: string; expiresAt: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Seconds until the e-mail is below its failure limit again; 0 when it is below now. */
export async function throttledFor(ctx: Ctx, key: string, now: number): Promise<number> {
  const recent = await ctx.db
    .selectFrom('login_failures')
    .select('failed_at')
    .where('email_key', '=', key)
    .where('failed_at', '>', now - LOGIN_FAILURE_WINDOW_MS)
    .orderBy('failed_at', 'desc')
    .limit(LOGIN_FAILURE_LIMIT)
    .execute();
  if (recent.length < LOGIN_FAILURE_LIMIT) return 0;
  return Math.max(1, Math.ceil((recent[LOGIN_FAILURE_LIMIT - 1].failed_at + LOGIN_FAILURE_WINDOW_MS - now) / 1000));
}

/** One more failed attempt for the e-mail (a sign-in, or a wrong current password when changing it). */
export async function countLoginFailure(ctx: Ctx, key: string, now: number): Promise<void> {
  await ctx.transact(async (trx) => {
    await trx
      .deleteFrom('login_failures')
      .where('failed_at', '<=', now - LOGIN_FAILURE_WINDOW_MS)
      .execute();
    await trx.insertInto('login_failures').values({ email_key: key, id: newId(), failed_at: now }).execute();
  });
}

/**
 * E-mail and password → a new session. An e-mail is unique per workspace, not per installation:
 * every live user with that e-mail and a password is tried, oldest workspace first, and the first
 * whose password matches signs in.
 */
export async function login(ctx: Ctx, email: string, password: string): Promise<LoginResult> {
  const key = emailKey(email);
  const now = Date.now();
  const wait = await throttledFor(ctx, key, now);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const candidates = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('email_key', '=', key)
    .where('deleted_at', 'is', null)
    .where('password_hash', 'is not', null)
    .orderBy('workspace_id')
    .limit(20)
    .execute();
  // An unknown e-mail still pays for one hash, so timing does not tell which e-mails exist.
  if (candidates.length === 0) await verifyPassword(password, null);
  for (const row of candidates) {
    if (!(await verifyPassword(password, row.password_hash))) continue;
    const workspace = await ctx.db.selectFrom('workspaces').select(['id', 'name']).where('id', '=', row.workspace_id).executeTakeFirstOrThrow();
    const session = await ctx.transact(async (trx) => {
      // A successful sign-in forgets the e-mail's earlier failures.
      await trx.deleteFrom('login_failures').where('email_key', '=', key).execute();
      return openSession(trx, row.workspace_id, row.id);
    });
    const inboxes = row.all_inboxes ? null : ((await userInboxIds(ctx.db, row.workspace_id, [row.id])).get(row.id) ?? []);
    return { ok: true, user: userFromRow(row, inboxes), workspace, ...session };
  }
  await countLoginFailure(ctx, key, now);
  return { ok: false, reason: 'invalid' };
}
