import { createHash, randomInt } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/repos/tx.ts';
import type { ApiKey, UserAccess } from './model.ts';
import type { Actor } from './context.ts';
import { newId } from './ids.ts';
import { notFound } from './errors.ts';
import { safeEqual } from '../events/signing.ts';
import { apiKeyFromRow } from '../db/repos/resources.ts';
import { prepared } from '../db/prepared.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomBase62 = (length: number) => Array.from({ length }, () => BASE62[randomInt(62)]).join('');
export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export interface IssuedApiKey {
  apiKey: ApiKey;
  key: string;
  clientId: string;
  clientSecret: string;
}

/** Issues a key (`cvs_live_…`) with its Basic client credentials; only their SHA-256 hashes are stored. */
export async function issueApiKey(db: Db | Tx, workspaceId: string, name: string): Promise<IssuedApiKey> {
  const key = `cvs_live_${randomBase62(32)}`;
  const clientId = `cvs_client_${randomBase62(24)}`;
  const clientSecret = randomBase62(40);
  const now = Date.now();
  const row = {
    workspace_id: workspaceId,
    id: newId(),
    name,
    prefix: key.slice(0, 12),
    key_hash: sha256(key),
    client_id: clientId,
    client_secret_hash: sha256(clientSecret),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { apiKey: apiKeyFromRow(row), key, clientId, clientSecret };
}

/** Who a request acts as: an API key (full access to its workspace) or a signed-in user. */
export interface Principal {
  workspaceId: string;
  /** null for a session. */
  apiKeyId: string | null;
  /** null for an API key. */
  userId: string | null;
  /** null for an API key: full access. */
  access: UserAccess | null;
  /** The user's inboxes; null: every inbox (always null for an API key). */
  inboxIds: string[] | null;
  /** The user sees only the conversations assigned to them. */
  onlyAssignedConversations: boolean;
}

export const keyPrincipal = (workspaceId: string, apiKeyId: string): Principal => ({
  workspaceId,
  apiKeyId,
  userId: null,
  access: null,
  inboxIds: null,
  onlyAssignedConversations: false,
});

/** What idempotency keys and the request budget belong to: the API key, or the signed-in user. */
export const callerKeyOf = (p: Principal): string => p.apiKeyId ?? `user:${p.userId}`;

/** Who events record as the cause of a change. */
export const actorOf = (p: Principal): Actor => (p.userId ? { type: 'user', id: p.userId } : { type: 'api_key', id: p.apiKeyId });

// lastUsedAt is written at most once a minute per key, so authentication stays a read on the hot path.
const LAST_USED_GRANULARITY_MS = 60_000;

async function touch(db: Db, row: { workspace_id: string; id: string; last_used_at: number | null }): Promise<void> {
  const now = Date.now();
  if (row.last_used_at !== null && now - row.last_used_at < LAST_USED_GRANULARITY_MS) return;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('workspace_id', '=', row.workspace_id).where('id', '=', row.id).execute();
}

const keyByHash = prepared<{ hash: string }, { workspace_id: string; id: string; key_hash: string; revoked_at: number | null; last_used_at: number | null }>(
  (db, p) => db.selectFrom('api_keys').select(['workspace_id', 'id', 'key_hash', 'revoked_at', 'last_used_at']).where('key_hash', '=', p('hash')),
);

/** The workspace of a live key, or null. The lookup is by hash; the comparison is constant-time. */
export async function authenticateKey(db: Db, key: string): Promise<Principal | null> {
  const hash = sha256(key);
  const row = (await keyByHash(db, { hash })).rows[0];
  if (!row || row.revoked_at !== null || !safeEqual(row.key_hash, hash)) return null;
  await touch(db, row);
  return keyPrincipal(row.workspace_id, row.id);
}

/** Jelou's Basic `clientId:clientSecret`. */
export async function authenticateClient(db: Db, clientId: string, clientSecret: string): Promise<Principal | null> {
  const row = await db
    .selectFrom('api_keys')
    .select(['workspace_id', 'id', 'client_secret_hash', 'revoked_at', 'last_used_at'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || !safeEqual(row.client_secret_hash, sha256(clientSecret))) return null;
  await touch(db, row);
  return keyPrincipal(row.workspace_id, row.id);
}

export async function revokeApiKey(db: Db, workspaceId: string, id: string): Promise<ApiKey> {
  const row = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('API key', id);
  if (row.revoked_at === null) {
    row.revoked_at = Date.now();
    await db.updateTable('api_keys').set({ revoked_at: row.revoked_at }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  }
  return apiKeyFromRow(row);
}
