/** The domain objects of spec §1–§2, as every dialect sees them. Times are epoch milliseconds. */

export const CONVERSATION_STATUSES = ['ROBOT_INTERACTIVE', 'WAITING', 'ACTIVE', 'INACTIVE'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'contact', 'location', 'sticker', 'template', 'unsupported'] as const;
/** The types the vendor dialects document; the others show there as text. */
export const VENDOR_MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'contact', 'location', 'sticker'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MEDIA_TYPES: readonly MessageType[] = ['image', 'audio', 'video', 'document', 'sticker'];
export type Direction = 'INBOUND' | 'OUTBOUND' | 'INTERNAL';
export const EXTERNAL_STATUSES = ['pending', 'sent', 'delivered', 'read', 'played', 'failed'] as const;
export type ExternalStatus = (typeof EXTERNAL_STATUSES)[number];
export type EndedReason = 'closed_by_operator' | 'inactivity' | 'resolved' | string;

export interface Workspace {
  id: string;
  name: string;
  createdAt: number;
}

export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  clientId: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface Inbox {
  id: string;
  workspaceId: string;
  name: string;
  inactivityTimeoutMinutes: number;
  createdAt: number;
  updatedAt: number;
}

export interface Channel {
  id: string;
  workspaceId: string;
  inboxId: string;
  kind: 'sandbox' | 'whatsapp';
  name: string;
  config: Record<string, unknown>;
  /** `active`, or `error` after the network refused the channel's credentials (null for the sandbox). */
  status: 'active' | 'error' | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastWebhookAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Bot {
  id: string;
  workspaceId: string;
  inboxId: string;
  channelId: string | null;
  name: string;
  type: string;
  createdAt: number;
  updatedAt: number;
}

/** A text agents insert by its shortcut (`/greeting`); `{{name}}` is the person's first name. */
export interface SavedReply {
  id: string;
  workspaceId: string;
  shortcut: string;
  text: string;
  createdAt: number;
  updatedAt: number;
}

export interface Role {
  id: string;
  workspaceId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface User {
  id: string;
  workspaceId: string;
  name: string;
  email: string;
  imageUrl: string | null;
  roleId: string | null;
  contact: string | null;
  notificationSound: boolean;
  onlyAssignedConversations: boolean;
  /** null means every inbox of the workspace. */
  inboxIds: string[] | null;
  lastInboxUsedId: string | null;
  /** admin: every route; agent: conversations of their inboxes, no workspace settings. */
  access: UserAccess;
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
}

export const USER_ACCESS = ['admin', 'agent'] as const;
export type UserAccess = (typeof USER_ACCESS)[number];

export interface Person {
  id: string;
  workspaceId: string;
  inboxId: string;
  name: string | null;
  phoneNumber: string | null;
  email: string | null;
  imageUrl: string | null;
  document: string | null;
  description: string | null;
  country: string | null;
  city: string | null;
  isBlocked: boolean;
  referenceId: string | null;
  tagIds: string[];
  createdAt: number;
  updatedAt: number;
}

export interface Tag {
  id: string;
  workspaceId: string;
  inboxId: string;
  name: string;
  color: string;
  modules: string[];
  createdAt: number;
  updatedAt: number;
}

export interface Group {
  id: string;
  workspaceId: string;
  inboxId: string;
  channelId: string;
  name: string;
  externalId: string | null;
  imageUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface GroupMember {
  personId: string;
  isMember: boolean;
}

export interface Conversation {
  id: string;
  workspaceId: string;
  inboxId: string;
  channelId: string;
  botId: string | null;
  personId: string | null;
  groupId: string | null;
  isGroup: boolean;
  status: ConversationStatus;
  priority: Priority;
  assigneeUserId: string | null;
  roleId: string | null;
  agentId: string | null;
  isFixed: boolean;
  isArchived: boolean;
  isPrivate: boolean;
  unreadCount: number;
  lastMessageId: string | null;
  lastMessageAt: number | null;
  lastActivityAt: number;
  /** The person's last inbound message: a channel's customer-service window (WhatsApp) runs from it. */
  lastInboundAt: number | null;
  metadata: Record<string, unknown> | null;
  tagIds: string[];
  createdAt: number;
  updatedAt: number;
}

export interface Media {
  /** Null while a file the channel announced is still being fetched. */
  url: string | null;
  mimeType: string | null;
  fileName: string | null;
  caption: string | null;
  size: number | null;
  /** Files a channel announces are fetched in the background: `pending`, then `ready` or `failed` (null: stored at once). */
  status?: 'pending' | 'ready' | 'failed' | null;
  error?: string | null;
}

export interface Message {
  id: string;
  workspaceId: string;
  conversationId: string;
  type: MessageType;
  direction: Direction;
  content: string | null;
  media: Media | null;
  messageAt: number;
  externalId: string | null;
  externalStatus: ExternalStatus | null;
  errorMessage: string | null;
  senderPersonId: string | null;
  senderUserId: string | null;
  senderBotId: string | null;
  contact: { name: string | null; phoneNumber: string | null } | null;
  quotedMessageId: string | null;
  transcription: string | null;
  summary: string | null;
  metadata: Record<string, unknown> | null;
  clientMessageId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A message as a conversation's page shows it: the page is of one conversation, and joins the quoted message itself. */
export type MessageOnPage = Omit<Message, 'workspaceId' | 'conversationId' | 'senderBotId' | 'quotedMessageId' | 'clientMessageId' | 'createdAt' | 'updatedAt'>;

export interface SupportSession {
  id: string;
  workspaceId: string;
  conversationId: string;
  botId: string | null;
  personId: string | null;
  state: 'active' | 'closed';
  startAt: number;
  endAt: number | null;
  endedReason: EndedReason | null;
  initialMessage: string | null;
  metadata: Record<string, unknown> | null;
  assignment: { type: string; target: string } | null;
  redirectPayload: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

/** Every event type the domain emits (spec §4); each dialect presents or formats them its own way. */
export const EVENT_TYPES = [
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'message.created',
  'message.updated',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'support_session.started',
  'support_session.closed',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  id: string;
  workspaceId: string;
  type: string;
  conversationId: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
}
