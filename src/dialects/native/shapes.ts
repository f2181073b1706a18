import { Type } from 'typebox';
import { CONVERSATION_STATUSES, EXTERNAL_STATUSES, MESSAGE_TYPES, PRIORITIES } from '../../domain/model.ts';
import { Id, Nullable, Timestamp } from './schemas.ts';

const Json = Nullable(Type.Record(Type.String(), Type.Unknown()));

export const ConversationShape = Type.Object({
  id: Id,
  inboxId: Id,
  channelId: Id,
  botId: Nullable(Id),
  personId: Nullable(Id),
  groupId: Nullable(Id),
  isGroup: Type.Boolean(),
  status: Type.Enum([...CONVERSATION_STATUSES]),
  priority: Type.Enum([...PRIORITIES]),
  assigneeUserId: Nullable(Id),
  roleId: Nullable(Id),
  agentId: Nullable(Id),
  isFixed: Type.Boolean(),
  isArchived: Type.Boolean(),
  isPrivate: Type.Boolean(),
  tagIds: Type.Array(Id),
  unreadCount: Type.Integer(),
  lastMessageId: Nullable(Id),
  lastMessageAt: Nullable(Timestamp),
  lastActivityAt: Timestamp,
  serviceWindowClosesAt: Nullable(
    Type.String({
      format: 'date-time',
      description:
        "When the channel's customer-service window closes (WhatsApp: 24 h after the person's last message; in the past when closed): free-form messages are refused after it, templates are not. Null when the channel has no window",
    }),
  ),
  metadata: Json,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** The person a conversation is with, as the conversation list shows them (null for groups). */
export const PersonSummaryShape = Type.Object({ id: Id, name: Nullable(Type.String()), phoneNumber: Nullable(Type.String()) });

/** A conversation as the list and get routes answer it: with its person's name and phone, read in the same query (events carry ConversationShape). */
export const ConversationWithPersonShape = Type.Object({ ...ConversationShape.properties, person: Nullable(PersonSummaryShape) });

export const MessageShape = Type.Object({
  id: Id,
  conversationId: Id,
  type: Type.Enum([...MESSAGE_TYPES]),
  direction: Type.Enum(['INBOUND', 'OUTBOUND', 'INTERNAL']),
  content: Nullable(Type.String()),
  media: Nullable(
    Type.Object({
      url: Nullable(Type.String({ description: 'Null while the file is being fetched from the channel' })),
      mimeType: Nullable(Type.String()),
      fileName: Nullable(Type.String()),
      caption: Nullable(Type.String()),
      size: Nullable(Type.Integer()),
      status: Type.Optional(Nullable(Type.Enum(['pending', 'ready', 'failed'], { description: 'Files a channel announces: fetched in the background' }))),
      error: Type.Optional(Nullable(Type.String())),
    }),
  ),
  messageAt: Timestamp,
  externalId: Nullable(Type.String()),
  externalStatus: Nullable(Type.Enum([...EXTERNAL_STATUSES])),
  errorMessage: Nullable(Type.String()),
  senderPersonId: Nullable(Id),
  senderUserId: Nullable(Id),
  senderBotId: Nullable(Id),
  contact: Nullable(Type.Object({ name: Nullable(Type.String()), phoneNumber: Nullable(Type.String()) })),
  quotedMessageId: Nullable(Id),
  transcription: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  metadata: Json,
  clientMessageId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const SessionShape = Type.Object({
  id: Id,
  conversationId: Id,
  botId: Nullable(Id),
  personId: Nullable(Id),
  state: Type.Enum(['active', 'closed']),
  startAt: Timestamp,
  endAt: Nullable(Timestamp),
  endedReason: Nullable(Type.String()),
  initialMessage: Nullable(Type.String()),
  metadata: Json,
  assignment: Nullable(Type.Object({ type: Type.String(), target: Type.String() })),
  redirectPayload: Json,
});

export const TransitionShape = Type.Object({ conversation: ConversationShape, previousStatus: Type.Enum([...CONVERSATION_STATUSES]) });
