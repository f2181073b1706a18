import type { Db } from '../db/connect.ts';
import { newId } from './ids.ts';
import { issueApiKey } from './api-keys.ts';

export interface InitResult {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  botId: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
}

/** `conversas init`: a workspace with a default inbox, a sandbox channel, its bot and credentials. */
export async function initWorkspace(db: Db, name = 'Conversas'): Promise<InitResult> {
  return db.transaction().execute(async (trx) => {
    const now = Date.now();
    const workspaceId = newId();
    const inboxId = newId();
    const channelId = newId();
    const botId = newId();
    await trx.insertInto('workspaces').values({ id: workspaceId, name, created_at: now }).execute();
    await trx
      .insertInto('inboxes')
      .values({ workspace_id: workspaceId, id: inboxId, name: 'Inbox', inactivity_timeout_minutes: 1440, created_at: now, updated_at: now, deleted_at: null })
      .execute();
    await trx
      .insertInto('channels')
      .values({
        workspace_id: workspaceId,
        id: channelId,
        inbox_id: inboxId,
        kind: 'sandbox',
        name: 'Sandbox',
        config: '{}',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    await trx
      .insertInto('bots')
      .values({
        workspace_id: workspaceId,
        id: botId,
        inbox_id: inboxId,
        channel_id: channelId,
        name: 'Bot',
        type: 'Whatsapp',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    const issued = await issueApiKey(trx, workspaceId, 'default');
    return { workspaceId, inboxId, channelId, botId, apiKey: issued.key, clientId: issued.clientId, clientSecret: issued.clientSecret };
  });
}

export async function hasWorkspace(db: Db): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function findWorkspace(db: Db, id: string) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}
