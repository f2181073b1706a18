import type { Selectable } from 'kysely';
import type { Ctx, Actor } from './context.ts';
import type { ScheduledMessageTable } from '../db/schema.ts';
import type { Media, MessageType } from './model.ts';
import { MEDIA_TYPES } from './model.ts';
import { conflict, invalid, notFound } from './errors.ts';
import { newId } from './ids.ts';
import { requireExisting } from './lookups.ts';
import { sendMessageInTransaction } from './send-message.ts';
import { parseJson, toJson } from '../db/rows.ts';
import { forUpdate } from '../db/repos/tx.ts';
import { prepared } from '../db/prepared.ts';
import { groupsByIds, peopleByIds, type GroupSummary, type PersonSummary } from '../db/repos/conversation-views.ts';
import { pageOffset, type NumberedPage, type NumberedPageRequest } from './resources/paging.ts';

export type ScheduledStatus = 'PENDING' | 'SENT' | 'CANCELLED';

export interface ScheduledContent {
  type: MessageType;
  text: string | null;
  media: Media | null;
  contact: { name: string | null; phoneNumber: string | null } | null;
}

export interface ScheduledMessage extends ScheduledContent {
  id: string;
  workspaceId: string;
  conversationId: string;
  userId: string | null;
  quotedMessageId: string | null;
  scheduledAt: number;
  status: ScheduledStatus;
  sentAt: number | null;
  messageId: string | null;
  createdAt: number;
  updatedAt: number;
}

export function scheduledFromRow(r: Selectable<ScheduledMessageTable>): ScheduledMessage {
  const meta = parseJson<{ text?: string | null }>(r.metadata) ?? {};
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    userId: r.user_id,
    quotedMessageId: r.quoted_message_id,
    type: r.type as MessageType,
    text: MEDIA_TYPES.includes(r.type as MessageType) ? (meta.text ?? null) : r.content,
    media:
      r.media_url === null
        ? null
        : { url: r.media_url, mimeType: r.media_mime_type, fileName: r.media_file_name, caption: r.media_caption, size: r.media_size },
    contact: r.contact_name === null && r.contact_phone === null ? null : { name: r.contact_name, phoneNumber: r.contact_phone },
    scheduledAt: r.scheduled_at,
    status: r.status as ScheduledStatus,
    sentAt: r.sent_at,
    messageId: r.message_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function contentColumns(c: ScheduledContent) {
  const isMedia = MEDIA_TYPES.includes(c.type);
  return {
    type: c.type,
    content: isMedia ? (c.media?.url ?? null) : c.type === 'contact' ? (c.contact?.name ?? c.contact?.phoneNumber ?? null) : c.text,
    media_url: c.media?.url ?? null,
    media_mime_type: c.media?.mimeType ?? null,
    media_file_name: c.media?.fileName ?? null,
    media_caption: c.media?.caption ?? null,
    media_size: c.media?.size ?? null,
    contact_name: c.contact?.name ?? null,
    contact_phone: c.contact?.phoneNumber ?? null,
    metadata: toJson(isMedia && c.text ? { text: c.text } : null),
  };
}

function checkFuture(scheduledAt: number, now: number): void {
  if (!(scheduledAt > now)) throw invalid('scheduledAt: must be in the future', 'validation_failed', 'scheduledAt');
}

export async function scheduleMessage(
  ctx: Ctx,
  input: { workspaceId: string; conversationId: string; userId: string | null; quotedMessageId: string | null; scheduledAt: number; content: ScheduledContent },
): Promise<ScheduledMessage> {
  const ws = input.workspaceId;
  await requireExisting(ctx.db, 'conversations', ws, input.conversationId);
  if (input.userId) await requireExisting(ctx.db, 'users', ws, input.userId);
  if (input.quotedMessageId) await requireExisting(ctx.db, 'messages', ws, input.quotedMessageId);
  const now = Date.now();
  checkFuture(input.scheduledAt, now);
  const row = {
    workspace_id: ws,
    id: newId(),
    conversation_id: input.conversationId,
    user_id: input.userId,
    quoted_message_id: input.quotedMessageId,
    ...contentColumns(input.content),
    scheduled_at: input.scheduledAt,
    status: 'PENDING',
    sent_at: null,
    message_id: null,
    claimed_until: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto('scheduled_messages').values(row).execute();
  return scheduledFromRow(row);
}

export async function findScheduled(ctx: Ctx, workspaceId: string, id: string): Promise<ScheduledMessage | null> {
  const row = await ctx.db.selectFrom('scheduled_messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? scheduledFromRow(row) : null;
}

export interface ScheduledFilter {
  conversationId?: string;
  /** Scheduled in the conversations of this inbox. */
  inboxId?: string;
  status?: ScheduledStatus;
}

/** A scheduled message of a list with its conversation's person or group, as a list names them. */
export interface ScheduledListItem {
  scheduled: ScheduledMessage;
  person: PersonSummary | null;
  group: GroupSummary | null;
}

/** The scheduled messages the filter keeps, soonest first, one numbered page with the exact number of them. */
export async function listScheduledByPage(
  ctx: Ctx,
  workspaceId: string,
  filter: ScheduledFilter,
  paging: NumberedPageRequest,
): Promise<NumberedPage<ScheduledListItem>> {
  let q = ctx.db
    .selectFrom('scheduled_messages as s')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').onRef('c.id', '=', 's.conversation_id'))
    .where('s.workspace_id', '=', workspaceId);
  if (filter.conversationId) q = q.where('s.conversation_id', '=', filter.conversationId);
  if (filter.inboxId) q = q.where('c.inbox_id', '=', filter.inboxId);
  if (filter.status) q = q.where('s.status', '=', filter.status);
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q
      .selectAll('s')
      .select(['c.person_id', 'c.group_id'])
      .orderBy('s.scheduled_at')
      .orderBy('s.id')
      .limit(paging.limit)
      .offset(pageOffset(paging.page, paging.limit))
      .execute(),
  ]);
  const [people, groups] = await Promise.all([
    peopleByIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.person_id),
    ),
    groupsByIds(
      ctx.db,
      workspaceId,
      rows.map((r) => r.group_id),
    ),
  ]);
  return {
    items: rows.map((r) => ({
      scheduled: scheduledFromRow(r),
      person: r.person_id ? (people.get(r.person_id) ?? null) : null,
      group: r.group_id ? (groups.get(r.group_id) ?? null) : null,
    })),
    total: Number(count.n),
  };
}

/** Changes or cancels a PENDING scheduled message (409 once it was sent or cancelled). */
export async function updateScheduled(
  ctx: Ctx,
  workspaceId: string,
  id: string,
  changes: { content?: ScheduledContent; scheduledAt?: number; cancel?: boolean },
): Promise<ScheduledMessage> {
  return ctx.transact(async (trx) => {
    const row = await forUpdate(
      trx.selectFrom('scheduled_messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id),
      ctx.engine,
    ).executeTakeFirst();
    if (!row) throw notFound('scheduled message', id);
    if (row.status !== 'PENDING') throw conflict(`Scheduled message ${id} is ${row.status}; only PENDING ones can change`, 'not_pending');
    const now = Date.now();
    if (changes.scheduledAt !== undefined) checkFuture(changes.scheduledAt, now);
    const next = {
      ...row,
      ...(changes.content ? contentColumns(changes.content) : {}),
      scheduled_at: changes.scheduledAt ?? row.scheduled_at,
      status: changes.cancel ? 'CANCELLED' : row.status,
      updated_at: now,
    };
    await trx.updateTable('scheduled_messages').set(next).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    return scheduledFromRow(next);
  });
}

const SCHEDULER: Actor = { type: 'scheduler', id: null };

const dueScheduled = prepared<{ now: number }, { id: string }>((db, p) =>
  db.selectFrom('scheduled_messages').select('id').where('status', '=', 'PENDING').where('scheduled_at', '<=', p('now')).limit(1),
);

/**
 * Sends due scheduled messages, each exactly once: the message and the SENT mark commit in one
 * transaction, rows are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL (several processes never
 * take the same one), and the send is de-duplicated by a clientMessageId derived from the schedule.
 * Returns how many were handled.
 */
export async function sendDueScheduledMessages(ctx: Ctx, now = Date.now(), batch = 50): Promise<number> {
  // The scheduler asks every second; most times nothing is due, and one prepared read says so without a transaction.
  if ((await dueScheduled(ctx.db, { now })).rows.length === 0) return 0;
  return ctx.transact(async (trx) => {
    const due = await ctx.quirks
      .skipLocked(
        trx.selectFrom('scheduled_messages').selectAll().where('status', '=', 'PENDING').where('scheduled_at', '<=', now).orderBy('scheduled_at').limit(batch),
      )
      .execute();
    for (const row of due) {
      const s = scheduledFromRow(row);
      let messageId: string | null = null;
      let status: ScheduledStatus = 'SENT';
      try {
        const { message } = await sendMessageInTransaction(
          ctx,
          trx,
          {
            workspaceId: s.workspaceId,
            conversationId: s.conversationId,
            type: s.type,
            text: s.text,
            media: s.media,
            contact: s.contact,
            senderUserId: s.userId,
            defaultToAssignee: true,
            quotedMessageId: s.quotedMessageId,
            clientMessageId: `scheduled:${s.id}`,
            metadata: { scheduledMessageId: s.id },
          },
          SCHEDULER,
        );
        messageId = message.id;
      } catch (error) {
        // What was valid when scheduled may not be now (the agent was deleted): it is cancelled rather than retried forever.
        if ((error as { kind?: string }).kind === undefined) throw error;
        status = 'CANCELLED';
      }
      await trx
        .updateTable('scheduled_messages')
        .set({ status, sent_at: status === 'SENT' ? now : null, message_id: messageId, updated_at: now })
        .where('workspace_id', '=', s.workspaceId)
        .where('id', '=', s.id)
        .execute();
    }
    return due.length;
  });
}
