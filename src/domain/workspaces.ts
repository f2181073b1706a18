import type { Db } from '../db/connect.ts';
import { newId } from './ids.ts';
import { issueApiKey } from './api-keys.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import { emailKey } from './text.ts';

export interface InitResult {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  botId: string;
  apiKey: string;
  clientId: string;
  clientSecret: string;
  /** The first admin, who signs in to the inbox with these. */
  userEmail: string;
  userPassword: string;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@conversas.local';

/** `conversas init`: a workspace with a default inbox, a sandbox channel, its bot, credentials and its first admin. */
export async function initWorkspace(db: Db, name = 'Conversas', adminEmail = DEFAULT_ADMIN_EMAIL): Promise<InitResult> {
  const userPassword = generatePassword();
  const passwordHash = await hashPassword(userPassword);
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
    await trx
      .insertInto('users')
      .values({
        workspace_id: workspaceId,
        id: newId(),
        name: 'Admin',
        email: adminEmail,
        email_key: emailKey(adminEmail),
        image_url: null,
        role_id: null,
        contact: null,
        notification_sound: 1,
        only_assigned_conversations: 0,
        all_inboxes: 1,
        last_inbox_used_id: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        access: 'admin',
        password_hash: passwordHash,
      })
      .execute();
    const issued = await issueApiKey(trx, workspaceId, 'default');
    return {
      workspaceId,
      inboxId,
      channelId,
      botId,
      apiKey: issued.key,
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      userEmail: adminEmail,
      userPassword,
    };
  });
}

export async function hasWorkspace(db: Db): Promise<boolean> {
  return (await firstWorkspaceId(db)) !== null;
}

export async function findWorkspace(db: Db, id: string) {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The workspace `seed` and `api-key` act on by default: the oldest one; null on an empty database. */
export async function firstWorkspaceId(db: Db): Promise<string | null> {
  return (await db.selectFrom('workspaces').select('id').orderBy('id').limit(1).executeTakeFirst())?.id ?? null;
}

/**
 * A workspace's first inbox, that inbox's first channel and the bot new conversations there get:
 * what `init` created, unless they were deleted (then the next ones, or null).
 */
export async function defaultParts(db: Db, workspaceId: string): Promise<{ inboxId: string | null; channelId: string | null; botId: string | null }> {
  const inbox = await db
    .selectFrom('inboxes')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const channel = inbox
    ? await db
        .selectFrom('channels')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('inbox_id', '=', inbox.id)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  const bot = channel
    ? await db
        .selectFrom('bots')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('channel_id', '=', channel.id)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  return { inboxId: inbox?.id ?? null, channelId: channel?.id ?? null, botId: bot?.id ?? null };
}
