import type { Insertable } from 'kysely';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Database } from '../db/schema.ts';
import type { Tx } from '../db/repos/tx.ts';
import { newId } from '../domain/ids.ts';
import { emailKey } from '../domain/text.ts';
import { defaultParts, findWorkspace, firstWorkspaceId, initWorkspace, type InitResult } from '../domain/workspaces.ts';
import { CommandError, parseFlags, positiveInteger } from './args.ts';
import { credentialsBlock } from './credentials.ts';
import { createProgress } from './progress.ts';
import { openMigratedStore } from './store.ts';
import { AGENT_NAMES, ROLE_NAMES, TAGS } from './demo-data.ts';
import { Random, buildConversation, emptyRows, type SeedRows, type SeedTarget } from './seed-data.ts';

export interface SeedOptions {
  conversations: number;
  messagesPerConversation: number;
  /** Default: the first workspace; a new one is created (as `init` does) when there is none. */
  workspaceId?: string;
  /** Seed of the pseudo-random generator, for reproducible data. */
  randomSeed?: number;
  /** The "present" of the generated history. */
  now?: number;
  onProgress?: (done: { conversations: number; messages: number }) => void;
}

export interface SeedResult {
  workspaceId: string;
  inboxId: string;
  channelId: string;
  /** The credentials of the workspace made for the seed, when there was none. */
  createdWorkspace: InitResult | null;
  people: number;
  conversations: number;
  messages: number;
  supportSessions: number;
  elapsedMs: number;
}

/** SQLite accepts at most 32766 bound parameters per statement, PostgreSQL 65535. */
const MAX_PARAMS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 500;
/** About this many messages per transaction: large enough to amortise the commit, small enough to show progress. */
const MESSAGES_PER_TRANSACTION = 20_000;

async function insertRows<T extends keyof Database & string>(trx: Tx, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).length;
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / columns)));
  for (let i = 0; i < rows.length; i += perStatement) {
    // Kysely cannot narrow a generic table name; the rows are typed by the caller.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + perStatement) as never)
      .execute();
  }
}

async function writeRows(db: Db, rows: SeedRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertRows(trx, 'people', rows.people);
    await insertRows(trx, 'conversations', rows.conversations);
    await insertRows(trx, 'messages', rows.messages);
    await insertRows(trx, 'support_sessions', rows.sessions);
    await insertRows(trx, 'conversation_tags', rows.conversationTags);
    await insertRows(trx, 'conversation_agents', rows.conversationAgents);
  });
}

/** The workspace, inbox, channel and bot to fill, plus agents, roles and tags (reused when present). */
async function prepareTarget(db: Db, options: SeedOptions, now: number): Promise<{ target: SeedTarget; created: InitResult | null }> {
  let created: InitResult | null = null;
  let workspaceId = options.workspaceId;
  if (workspaceId) {
    if (!(await findWorkspace(db, workspaceId))) throw new CommandError(`Workspace ${workspaceId} does not exist`);
  } else {
    workspaceId = (await firstWorkspaceId(db)) ?? undefined;
    if (!workspaceId) {
      created = await initWorkspace(db, 'Demo');
      workspaceId = created.workspaceId;
    }
  }
  const ws = workspaceId;
  // The inbox, channel and bot a new conversation there would get (see findOrCreateConversation).
  const parts = await defaultParts(db, ws);
  if (!parts.inboxId) throw new CommandError(`Workspace ${ws} has no inbox to seed`);
  if (!parts.channelId) throw new CommandError(`Inbox ${parts.inboxId} of workspace ${ws} has no channel to seed`);
  const { inboxId, channelId, botId } = parts;

  return db.transaction().execute(async (trx) => {
    let roleIds = (await trx.selectFrom('roles').select('id').where('workspace_id', '=', ws).where('deleted_at', 'is', null).orderBy('id').execute()).map(
      (r) => r.id,
    );
    if (roleIds.length === 0) {
      const roles = ROLE_NAMES.map((name) => ({ workspace_id: ws, id: newId(), name, created_at: now, updated_at: now, deleted_at: null }));
      await trx.insertInto('roles').values(roles).execute();
      roleIds = roles.map((r) => r.id);
    }
    let userIds = (
      await trx.selectFrom('users').select('id').where('workspace_id', '=', ws).where('deleted_at', 'is', null).orderBy('id').limit(50).execute()
    ).map((u) => u.id);
    if (userIds.length === 0) {
      const users = AGENT_NAMES.map((name, i) => {
        const email = `${name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, '.')}@escritorio.example`;
        return {
          workspace_id: ws,
          id: newId(),
          name,
          email,
          email_key: emailKey(email),
          image_url: null,
          role_id: roleIds[i % roleIds.length]!,
          contact: null,
          notification_sound: 1,
          only_assigned_conversations: 0,
          all_inboxes: 1,
          last_inbox_used_id: inboxId,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
      });
      await trx.insertInto('users').values(users).execute();
      userIds = users.map((u) => u.id);
    }
    let tagIds = (await trx.selectFrom('tags').select('id').where('workspace_id', '=', ws).where('inbox_id', '=', inboxId).orderBy('id').execute()).map(
      (t) => t.id,
    );
    if (tagIds.length === 0) {
      const tags = TAGS.map(([name, color]) => ({
        workspace_id: ws,
        id: newId(),
        inbox_id: inboxId,
        name,
        color,
        modules: JSON.stringify(['conversas', 'crm']),
        created_at: now,
        updated_at: now,
      }));
      await trx.insertInto('tags').values(tags).execute();
      tagIds = tags.map((t) => t.id);
    }
    const phones = new Set(
      (
        await trx
          .selectFrom('people')
          .select('phone_number')
          .where('workspace_id', '=', ws)
          .where('inbox_id', '=', inboxId)
          .where('phone_number', 'is not', null)
          .execute()
      ).map((p) => p.phone_number!),
    );
    return { created, target: { workspaceId: ws, inboxId, channelId, botId, userIds, roleIds, tagIds, phones, now } };
  });
}

/**
 * Fills a workspace with demo data quickly: rows are built in memory and written with multi-row
 * inserts, many conversations per transaction. It writes no events: this is history, not news,
 * and webhooks must not fire for it. Exported for the benchmarks.
 */
export async function seedWorkspace(db: Db, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const now = options.now ?? started;
  const random = new Random(options.randomSeed ?? started);
  const { target, created } = await prepareTarget(db, options, now);
  const perTransaction = Math.max(1, Math.min(2_000, Math.floor(MESSAGES_PER_TRANSACTION / Math.max(1, options.messagesPerConversation))));
  const totals = { people: 0, conversations: 0, messages: 0, supportSessions: 0 };
  options.onProgress?.({ conversations: 0, messages: 0 });
  for (let done = 0; done < options.conversations; ) {
    const rows = emptyRows();
    const count = Math.min(perTransaction, options.conversations - done);
    for (let i = 0; i < count; i++) buildConversation(random, target, options.messagesPerConversation, rows);
    await writeRows(db, rows);
    done += count;
    totals.people += rows.people.length;
    totals.conversations += rows.conversations.length;
    totals.messages += rows.messages.length;
    totals.supportSessions += rows.sessions.length;
    options.onProgress?.({ conversations: totals.conversations, messages: totals.messages });
  }
  return {
    workspaceId: target.workspaceId,
    inboxId: target.inboxId,
    channelId: target.channelId,
    createdWorkspace: created,
    ...totals,
    elapsedMs: Date.now() - started,
  };
}

export async function seedCommand(argv: string[]): Promise<number> {
  const flags = parseFlags('seed', argv, {
    conversations: { type: 'string' },
    'messages-per-conversation': { type: 'string' },
    workspace: { type: 'string' },
  });
  const conversations = positiveInteger('seed', 'conversations', flags.conversations, 1000, 1);
  const messagesPerConversation = positiveInteger('seed', 'messages-per-conversation', flags['messages-per-conversation'], 20, 0);
  const config = loadConfig();
  const { store, applied } = await openMigratedStore(config);
  try {
    if (applied.length > 0) process.stderr.write(`Applied migrations: ${applied.join(', ')}\n`);
    const progress = createProgress('Seeding', conversations);
    const result = await seedWorkspace(store.db, {
      conversations,
      messagesPerConversation,
      workspaceId: flags.workspace,
      onProgress: ({ conversations: done, messages }) => progress.update(done, `conversations, ${messages.toLocaleString('en-US')} messages`),
    });
    progress.finish(`conversations, ${result.messages.toLocaleString('en-US')} messages`);
    if (result.createdWorkspace) process.stdout.write(credentialsBlock(result.createdWorkspace, config.publicUrl));
    const seconds = result.elapsedMs / 1000;
    process.stdout.write(
      `Seeded workspace ${result.workspaceId} (inbox ${result.inboxId}): ${result.people.toLocaleString('en-US')} people, ` +
        `${result.conversations.toLocaleString('en-US')} conversations, ${result.messages.toLocaleString('en-US')} messages ` +
        `in ${seconds.toFixed(1)} s (${Math.round(result.messages / Math.max(seconds, 0.001)).toLocaleString('en-US')} messages/s).\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
