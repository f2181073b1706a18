import type { Ctx } from '../context.ts';
import type { ApiKey } from '../model.ts';
import { conflict } from '../errors.ts';
import { issueApiKey, revokeApiKey, type IssuedApiKey } from '../api-keys.ts';
import { apiKeyFromRow } from '../../db/repos/resources.ts';
import { requiredName, pageById, type PageRequest, type PageResult } from './paging.ts';

/** Every key of the workspace, revoked ones included (with their `revokedAt`). */
export async function listApiKeys(ctx: Ctx, workspaceId: string, page: PageRequest): Promise<PageResult<ApiKey>> {
  const q = ctx.db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId);
  return pageById(q, page, apiKeyFromRow);
}

export async function createApiKey(ctx: Ctx, workspaceId: string, input: { name: string }): Promise<IssuedApiKey> {
  return issueApiKey(ctx.db, workspaceId, requiredName(input.name));
}

/**
 * Revokes a key: it answers 401 from the next request on. A key cannot revoke itself (409), so a
 * workspace always keeps a working key: rotate by creating the new key and revoking the old one with it.
 * Revoking an already revoked key changes nothing and answers it again.
 */
export async function revokeKey(ctx: Ctx, workspaceId: string, id: string, callerKeyId: string | null): Promise<ApiKey> {
  // The caller's own key exists, so this refusal never hides a 404.
  if (id === callerKeyId) throw conflict('An API key cannot revoke itself; revoke it with another key of the workspace', 'cannot_revoke_own_key');
  return revokeApiKey(ctx.db, workspaceId, id);
}
