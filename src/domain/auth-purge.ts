import type { Db } from '../db/connect.ts';
import { LOGIN_FAILURE_WINDOW_MS } from './logins.ts';

/**
 * Sign-in records that can no longer do anything: expired or revoked sessions, expired or used
 * invitations, failed logins older than the throttle's window. Returns how many rows went.
 */
export async function purgeAuthRecords(db: Db, now: number): Promise<number> {
  const gone = await Promise.all([
    db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', now), eb('revoked_at', 'is not', null)]))
      .executeTakeFirst(),
    db
      .deleteFrom('user_invitations')
      .where((eb) => eb.or([eb('expires_at', '<', now), eb('used_at', 'is not', null)]))
      .executeTakeFirst(),
    db
      .deleteFrom('login_failures')
      .where('failed_at', '<=', now - LOGIN_FAILURE_WINDOW_MS)
      .executeTakeFirst(),
  ]);
  return gone.reduce((sum, result) => sum + Number(result.numDeletedRows), 0);
}
