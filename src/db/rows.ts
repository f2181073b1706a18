import type { Selectable } from 'kysely';
import type * as S from './schema.ts';
import type * as M from '../domain/model.ts';
import type { WebhookSubscription } from '../events/webhook-formats.ts';

/** Row → domain object. Fixed-shape literals on purpose: they are on the hot read paths. */

export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
export const toJson = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
export const bool = (value: number | boolean): boolean => value === 1 || value === true;
export const flag = (value: boolean): number => (value ? 1 : 0);

export function inboxFromRow(r: Selectable<S.InboxTable>): M.Inbox {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    inactivityTimeoutMinutes: r.inactivity_timeout_minutes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function channelFromRow(r: Selectable<S.ChannelTable>): M.Channel {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    kind: r.kind as M.Channel['kind'],
    name: r.name,
    config: parseJson<Record<string, unknown>>(r.config) ?? {},
    status: (r.status as M.Channel['status']) ?? null,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    lastWebhookAt: r.last_webhook_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function botFromRow(r: Selectable<S.BotTable>): M.Bot {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    channelId: r.channel_id,
    name: r.name,
    type: r.type,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function savedReplyFromRow(r: Selectable<S.SavedReplyTable>): M.SavedReply {
  return { id: r.id, workspaceId: r.workspace_id, shortcut: r.shortcut, text: r.text, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function roleFromRow(r: Selectable<S.RoleTable>): M.Role {
  return { id: r.id, workspaceId: r.workspace_id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at };
}

export function userFromRow(r: Selectable<S.UserTable>, inboxIds: string[] | null): M.User {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    email: r.email,
    imageUrl: r.image_url,
    roleId: r.role_id,
    contact: r.contact,
    notificationSound: bool(r.notification_sound),
    onlyAssignedConversations: bool(r.only_assigned_conversations),
    inboxIds: bool(r.all_inboxes) ? null : (inboxIds ?? []),
    lastInboxUsedId: r.last_inbox_used_id,
    access: r.access === 'admin' ? 'admin' : 'agent',
    hasPassword: r.password_hash !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function personFromRow(r: Selectable<S.PersonTable>, tagIds: string[]): M.Person {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    name: r.name,
    phoneNumber: r.phone_number,
    email: r.email,
    imageUrl: r.image_url,
    document: r.document,
    description: r.description,
    country: r.country,
    city: r.city,
    isBlocked: bool(r.is_blocked),
    referenceId: r.reference_id,
    tagIds,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function tagFromRow(r: Selectable<S.TagTable>): M.Tag {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    name: r.name,
    color: r.color,
    modules: parseJson<string[]>(r.modules) ?? [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function groupFromRow(r: Selectable<S.GroupTable>): M.Group {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    channelId: r.channel_id,
    name: r.name,
    externalId: r.external_id,
    imageUrl: r.image_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function conversationFromRow(r: Selectable<S.ConversationTable>, tagIds: string[]): M.Conversation {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    inboxId: r.inbox_id,
    channelId: r.channel_id,
    botId: r.bot_id,
    personId: r.person_id,
    groupId: r.group_id,
    isGroup: bool(r.is_group),
    status: r.status as M.ConversationStatus,
    priority: r.priority as M.Priority,
    assigneeUserId: r.assignee_user_id,
    roleId: r.role_id,
    agentId: r.agent_id,
    isFixed: bool(r.is_fixed),
    isArchived: bool(r.is_archived),
    isPrivate: bool(r.is_private),
    unreadCount: r.unread_count,
    lastMessageId: r.last_message_id,
    lastMessageAt: r.last_message_at,
    lastActivityAt: r.last_activity_at,
    lastInboundAt: r.last_inbound_at,
    metadata: parseJson(r.metadata),
    tagIds,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The columns `messageOnPageFromRow` reads. */
export const MESSAGE_ON_PAGE_COLUMNS = [
  'id',
  'type',
  'direction',
  'content',
  'media_url',
  'media_mime_type',
  'media_file_name',
  'media_caption',
  'media_size',
  'media_status',
  'media_error',
  'message_at',
  'external_id',
  'external_status',
  'error_message',
  'sender_person_id',
  'sender_user_id',
  'contact_name',
  'contact_phone',
  'transcription',
  'summary',
  'metadata',
] as const satisfies readonly (keyof S.MessageTable)[];
type MessageOnPageRow = Pick<Selectable<S.MessageTable>, (typeof MESSAGE_ON_PAGE_COLUMNS)[number]>;

const mediaFromRow = (r: MessageOnPageRow): M.Media | null =>
  r.media_url === null && r.media_status === null
    ? null
    : {
        url: r.media_url,
        mimeType: r.media_mime_type,
        fileName: r.media_file_name,
        caption: r.media_caption,
        size: r.media_size,
        status: (r.media_status as M.Media['status']) ?? null,
        error: r.media_error,
      };

const contactFromRow = (r: MessageOnPageRow): M.Message['contact'] =>
  r.contact_name === null && r.contact_phone === null ? null : { name: r.contact_name, phoneNumber: r.contact_phone };

export function messageFromRow(r: Selectable<S.MessageTable>): M.Message {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    type: r.type as M.MessageType,
    direction: r.direction as M.Direction,
    content: r.content,
    media: mediaFromRow(r),
    messageAt: r.message_at,
    externalId: r.external_id,
    externalStatus: r.external_status as M.ExternalStatus | null,
    errorMessage: r.error_message,
    senderPersonId: r.sender_person_id,
    senderUserId: r.sender_user_id,
    senderBotId: r.sender_bot_id,
    contact: contactFromRow(r),
    quotedMessageId: r.quoted_message_id,
    transcription: r.transcription,
    summary: r.summary,
    metadata: parseJson(r.metadata),
    clientMessageId: r.client_message_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A page's message from the page query's columns (`MESSAGE_ON_PAGE_COLUMNS`): fewer columns cost less to send and parse. */
export function messageOnPageFromRow(r: MessageOnPageRow): M.MessageOnPage {
  return {
    id: r.id,
    type: r.type as M.MessageType,
    direction: r.direction as M.Direction,
    content: r.content,
    media: mediaFromRow(r),
    messageAt: r.message_at,
    externalId: r.external_id,
    externalStatus: r.external_status as M.ExternalStatus | null,
    errorMessage: r.error_message,
    senderPersonId: r.sender_person_id,
    senderUserId: r.sender_user_id,
    contact: contactFromRow(r),
    transcription: r.transcription,
    summary: r.summary,
    metadata: parseJson(r.metadata),
  };
}

export function sessionFromRow(r: Selectable<S.SupportSessionTable>): M.SupportSession {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    botId: r.bot_id,
    personId: r.person_id,
    state: r.state as M.SupportSession['state'],
    startAt: r.start_at,
    endAt: r.end_at,
    endedReason: r.ended_reason,
    initialMessage: r.initial_message,
    metadata: parseJson(r.metadata),
    assignment: r.assignment_type === null ? null : { type: r.assignment_type, target: r.assignment_target ?? '' },
    redirectPayload: parseJson(r.redirect_payload),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function subscriptionFromRow(r: Selectable<S.WebhookSubscriptionTable>): WebhookSubscription {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    dialect: r.dialect,
    name: r.name,
    description: r.description,
    url: r.url,
    secret: r.secret,
    events: parseJson<string[]>(r.events) ?? [],
    isActive: bool(r.is_active),
    headers: parseJson(r.headers),
    authType: r.auth_type,
    authorization: r.authorization,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function eventFromRow(r: Selectable<S.EventTable>): M.DomainEvent {
  return { id: r.id, workspaceId: r.workspace_id, type: r.type, conversationId: r.conversation_id, payload: JSON.parse(r.payload), createdAt: r.created_at };
}
