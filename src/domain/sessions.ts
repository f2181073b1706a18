import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/repos/tx.ts';
import { userInboxIds } from '../db/repos/resources.ts';
import { sha256, type Principal } from './api-keys.ts';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
// last_seen_at is written at most once a minute per session, so authentication stays a read.
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** A new session of the user; only the token's SHA-256 is stored, the token goes in the cookie. */
export async function openSession(db: Db | Tx, workspaceId: string, userId: string): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = now + SESSION_TTL_MS;
  await db
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      workspace_id: workspaceId,
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  return { token, expiresAt };
}

/** The principal of a live session of a live user, or null (unknown, revoked, expired, user deleted). */
export async function authenticateSession(db: Db, token: string): Promise<Principal | null> {
  const now = Date.now();
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.workspace_id', '=', 's.workspace_id').onRef('u.id', '=', 's.user_id'))
    .select(['s.token_hash', 's.workspace_id', 's.user_id', 's.last_seen_at', 'u.access', 'u.all_inboxes', 'u.only_assigned_conversations'])
    .where('s.token_hash', '=', sha256(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (now - row.last_seen_at >= LAST_SEEN_GRANULARITY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', row.token_hash).execute();
  }
  const inboxIds = row.all_inboxes ? null : ((await userInboxIds(db, row.workspace_id, [row.user_id])).get(row.user_id) ?? []);
  return {
    workspaceId: row.workspace_id,
    apiKeyId: null,
    userId: row.user_id,
    access: row.access === 'admin' ? 'admin' : 'agent',
    inboxIds,
    onlyAssignedConversations: row.only_assigned_conversations === 1,
  };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: Date.now() }).where('token_hash', '=', sha256(token)).where('revoked_at', 'is', null).execute();
}

/** Every live session of the user ends: they were deleted or their password changed. */
export async function revokeUserSessions(db: Db | Tx, workspaceId: string, userId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: Date.now() })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
