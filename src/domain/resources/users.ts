import type { Ctx } from '../context.ts';
import type { User, UserAccess } from '../model.ts';
import { hashPassword } from '../passwords.ts';
import { revokeUserSessions } from '../sessions.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { emailKey, isEmail } from '../text.ts';
import { flag, userFromRow } from '../../db/rows.ts';
import { userInboxIds } from '../../db/repos/resources.ts';
import { forUpdate, isUniqueViolation, type Tx } from '../../db/repos/tx.ts';
import type { Db } from '../../db/connect.ts';
import { lockLiveInbox } from './inboxes.ts';
import { distinct, optionalText, requiredName } from './paging.ts';

export interface UserInput {
  name: string;
  email: string;
  roleId?: string | null;
  /** Absent or null: every inbox of the workspace, including inboxes created later. */
  inboxIds?: string[] | null;
  imageUrl?: string | null;
  contact?: string | null;
  notificationSound?: boolean;
  onlyAssignedConversations?: boolean;
  /** Default `agent`. */
  access?: UserAccess;
  /** Stored as a scrypt hash only; never returned or logged. */
  password?: string;
}
export type UserPatch = Partial<UserInput>;

// New agents hear new messages unless they turn it off, as in most chat panels.
const DEFAULT_NOTIFICATION_SOUND = true;

const live = (db: Db | Tx, workspaceId: string, id: string) =>
  db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('deleted_at', 'is', null);

function checkEmail(email: string): { email: string; key: string } {
  const trimmed = email.trim();
  if (!isEmail(trimmed)) throw invalid('email is not a valid e-mail address', 'validation_failed', 'email');
  return { email: trimmed, key: emailKey(trimmed) };
}

const emailTaken = (email: string) => conflict(`A user with e-mail ${email} already exists in this workspace`, 'email_taken');

async function withUniqueEmail<T>(email: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Two requests raced past the check: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
}

async function requireEmailFree(trx: Tx, workspaceId: string, key: string, email: string, exceptId: string | null): Promise<void> {
  let q = trx.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).where('email_key', '=', key).where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw emailTaken(email);
}

async function requireRole(ctx: Ctx, trx: Tx, workspaceId: string, roleId: string): Promise<void> {
  const row = await forUpdate(
    trx.selectFrom('roles').select('id').where('workspace_id', '=', workspaceId).where('id', '=', roleId).where('deleted_at', 'is', null),
    ctx.engine,
  ).executeTakeFirst();
  if (!row) throw notFound('role', roleId);
}

/** Checks (and locks, in id order) the inboxes; null stays null (every inbox). */
async function requireInboxes(ctx: Ctx, trx: Tx, workspaceId: string, inboxIds: string[] | null): Promise<string[] | null> {
  if (inboxIds === null) return null;
  const ids = distinct(inboxIds).sort();
  for (const id of ids) await lockLiveInbox(ctx, trx, workspaceId, id);
  return ids;
}

async function replaceInboxes(trx: Tx, workspaceId: string, userId: string, inboxIds: string[] | null): Promise<void> {
  await trx.deleteFrom('user_inboxes').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
  if (inboxIds && inboxIds.length > 0) {
    await trx
      .insertInto('user_inboxes')
      .values(inboxIds.map((inbox_id) => ({ workspace_id: workspaceId, user_id: userId, inbox_id })))
      .execute();
  }
}

const lockWorkspace = (ctx: Ctx, trx: Tx, workspaceId: string) =>
  forUpdate(trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId), ctx.engine).executeTakeFirst();

/**
 * The workspace keeps at least one admin who can sign in: its last admin with a password cannot be
 * demoted or deleted (409 `last_admin`). Callers lock the workspace row first (PostgreSQL), so two
 * admins demoting each other at once cannot both pass.
 */
async function requireAnotherAdmin(trx: Tx, workspaceId: string, userId: string): Promise<void> {
  const other = await trx
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '!=', userId)
    .where('deleted_at', 'is', null)
    .where('access', '=', 'admin')
    .where('password_hash', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (!other) throw conflict("This is the workspace's last admin who can sign in: make another user an admin first (one with a password)", 'last_admin');
}

const isSigningInAdmin = (row: { access: string; password_hash: string | null }) => row.access === 'admin' && row.password_hash !== null;

export async function getUser(ctx: Ctx, workspaceId: string, id: string): Promise<User> {
  const row = await live(ctx.db, workspaceId, id).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return userFromRow(row, (await userInboxIds(ctx.db, workspaceId, [id])).get(id) ?? []);
}

export async function createUser(ctx: Ctx, workspaceId: string, input: UserInput): Promise<User> {
  const name = requiredName(input.name);
  const { email, key } = checkEmail(input.email);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return withUniqueEmail(email, () =>
    ctx.transact(async (trx) => {
      if (input.roleId) await requireRole(ctx, trx, workspaceId, input.roleId);
      const inboxIds = await requireInboxes(ctx, trx, workspaceId, input.inboxIds ?? null);
      await requireEmailFree(trx, workspaceId, key, email, null);
      const now = Date.now();
      const row = {
        workspace_id: workspaceId,
        id: newId(),
        name,
        email,
        email_key: key,
        image_url: optionalText(input.imageUrl),
        role_id: input.roleId ?? null,
        contact: optionalText(input.contact),
        notification_sound: flag(input.notificationSound ?? DEFAULT_NOTIFICATION_SOUND),
        only_assigned_conversations: flag(input.onlyAssignedConversations ?? false),
        all_inboxes: flag(inboxIds === null),
        last_inbox_used_id: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        access: input.access ?? 'agent',
        password_hash: passwordHash,
      };
      await trx.insertInto('users').values(row).execute();
      await replaceInboxes(trx, workspaceId, row.id, inboxIds);
      return userFromRow(row, inboxIds ?? []);
    }),
  );
}

/** Changes the given fields; `inboxIds` replaces the attachment (null: every inbox), `roleId: null` clears the role. */
export async function updateUser(ctx: Ctx, workspaceId: string, id: string, patch: UserPatch): Promise<User> {
  const checked = patch.email !== undefined ? checkEmail(patch.email) : null;
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  return withUniqueEmail(checked?.email ?? '', () =>
    ctx.transact(async (trx) => {
      if (patch.access === 'agent') await lockWorkspace(ctx, trx, workspaceId);
      const row = await forUpdate(live(trx, workspaceId, id), ctx.engine).executeTakeFirst();
      if (!row) throw notFound('user', id);
      if (patch.access === 'agent' && isSigningInAdmin(row)) await requireAnotherAdmin(trx, workspaceId, id);
      if (patch.roleId) await requireRole(ctx, trx, workspaceId, patch.roleId);
      const inboxIds = patch.inboxIds !== undefined ? await requireInboxes(ctx, trx, workspaceId, patch.inboxIds) : undefined;
      if (checked && checked.key !== row.email_key) await requireEmailFree(trx, workspaceId, checked.key, checked.email, id);

      const next = { ...row };
      if (patch.name !== undefined) next.name = requiredName(patch.name);
      if (checked) {
        next.email = checked.email;
        next.email_key = checked.key;
      }
      if (patch.roleId !== undefined) next.role_id = patch.roleId;
      if (patch.imageUrl !== undefined) next.image_url = optionalText(patch.imageUrl);
      if (patch.contact !== undefined) next.contact = optionalText(patch.contact);
      if (patch.notificationSound !== undefined) next.notification_sound = flag(patch.notificationSound);
      if (patch.onlyAssignedConversations !== undefined) next.only_assigned_conversations = flag(patch.onlyAssignedConversations);
      if (inboxIds !== undefined) next.all_inboxes = flag(inboxIds === null);
      if (patch.access !== undefined) next.access = patch.access;
      if (passwordHash !== null) next.password_hash = passwordHash;

      const previousInboxes = (await userInboxIds(trx, workspaceId, [id])).get(id) ?? [];
      const inboxesChanged = inboxIds !== undefined && (next.all_inboxes !== row.all_inboxes || (inboxIds ?? []).join(',') !== previousInboxes.join(','));
      const columns = [
        'name',
        'email',
        'role_id',
        'image_url',
        'contact',
        'notification_sound',
        'only_assigned_conversations',
        'all_inboxes',
        'access',
        'password_hash',
      ] as const;
      const changed = inboxesChanged || columns.some((c) => next[c] !== row[c]);
      if (!changed) return userFromRow(row, previousInboxes);

      next.updated_at = Date.now();
      await trx
        .updateTable('users')
        .set({
          name: next.name,
          email: next.email,
          email_key: next.email_key,
          role_id: next.role_id,
          image_url: next.image_url,
          contact: next.contact,
          notification_sound: next.notification_sound,
          only_assigned_conversations: next.only_assigned_conversations,
          all_inboxes: next.all_inboxes,
          access: next.access,
          password_hash: next.password_hash,
          updated_at: next.updated_at,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
      if (inboxesChanged) await replaceInboxes(trx, workspaceId, id, inboxIds ?? null);
      // A new password signs the user out everywhere: whoever knew the old one loses access.
      if (passwordHash !== null) await revokeUserSessions(trx, workspaceId, id);
      return userFromRow(next, inboxIds !== undefined ? (inboxIds ?? []) : previousInboxes);
    }),
  );
}

/** Soft-deletes the agent; its e-mail becomes free again. Conversations keep it as history. The last admin who can sign in stays (409). */
export async function deleteUser(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  const now = Date.now();
  await ctx.transact(async (trx) => {
    await lockWorkspace(ctx, trx, workspaceId);
    const row = await live(trx, workspaceId, id).executeTakeFirst();
    if (!row) throw notFound('user', id);
    if (isSigningInAdmin(row)) await requireAnotherAdmin(trx, workspaceId, id);
    const result = await trx
      .updateTable('users')
      .set({ deleted_at: now, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound('user', id);
    await revokeUserSessions(trx, workspaceId, id);
  });
}
