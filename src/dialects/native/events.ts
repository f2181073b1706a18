import { Type, type Static, type TSchema } from 'typebox';
import { ACTOR_TYPES, type Actor } from '../../domain/context.ts';
import {
  CONVERSATION_STATUSES,
  EVENT_TYPES,
  EXTERNAL_STATUSES,
  type Conversation,
  type ConversationStatus,
  type DomainEvent,
  type EventType,
  type ExternalStatus,
  type Message,
  type Person,
  type SupportSession,
} from '../../domain/model.ts';
import { presentConversation, presentMessage, presentSession } from './presenters.ts';
import { PersonShape, presentPerson } from './resources/people.ts';
import { Id, Nullable, Timestamp } from './schemas.ts';
import { ConversationShape, MessageShape, SessionShape } from './shapes.ts';

/**
 * The fields of a stored payload that the feed reads: the outbox keeps an internal snapshot (domain
 * objects with epoch times, plus the names webhook formatters need; see src/domain/snapshots.ts),
 * and rows of every age carry these. Presenting happens on read, so the write path stays as cheap.
 */
interface StoredPayload {
  conversation: Conversation;
  message: Message;
  person: Person;
  session: SupportSession;
  previousStatus: ConversationStatus;
  previousAssigneeUserId: string | null;
  previousExternalStatus: ExternalStatus | null;
  subscriptionId: string;
  actor: Actor;
}

const ActorShape = Type.Object(
  {
    type: Type.Enum([...ACTOR_TYPES]),
    id: Nullable(Type.String({ description: 'the API key, channel or Jelou integration id; null for the system and the scheduler' })),
  },
  { description: 'Who or what caused the change' },
);
const actorOf = (p: StoredPayload): Static<typeof ActorShape> => ({ type: p.actor.type, id: p.actor.id ?? null });

const Status = Type.Enum([...CONVERSATION_STATUSES]);

interface PayloadKind {
  description: string;
  schema: TSchema;
  present(p: StoredPayload): Record<string, unknown>;
}

const conversationEvent = (description: string): PayloadKind => ({
  description,
  schema: Type.Object({ conversation: ConversationShape, previousStatus: Status, actor: ActorShape }),
  present: (p) => ({ conversation: presentConversation(p.conversation), previousStatus: p.previousStatus, actor: actorOf(p) }),
});

const contactEvent = (description: string): PayloadKind => ({
  description,
  schema: Type.Object({ person: PersonShape, actor: ActorShape }),
  present: (p) => ({ person: presentPerson(p.person), actor: actorOf(p) }),
});

const sessionEvent = (description: string): PayloadKind => ({
  description,
  schema: Type.Object({ session: SessionShape, conversation: ConversationShape, actor: ActorShape }),
  present: (p) => ({ session: presentSession(p.session), conversation: presentConversation(p.conversation), actor: actorOf(p) }),
});

/** One payload per event type: the objects it describes exactly as the REST routes answer them. */
const PAYLOADS: Record<EventType, PayloadKind> = {
  'conversation.created': {
    description: 'A conversation was created: `conversation` as `GET /api/v1/conversations/{id}` answers it.',
    schema: Type.Object({ conversation: ConversationShape, actor: ActorShape }),
    present: (p) => ({ conversation: presentConversation(p.conversation), actor: actorOf(p) }),
  },
  'conversation.updated': conversationEvent(
    'Status, priority, tags, pin, archive or role changed: `conversation` as `GET /api/v1/conversations/{id}` answers it after the change.',
  ),
  'conversation.assigned': {
    description: 'The conversation got an agent (`conversation.assigneeUserId`); `previousAssigneeUserId` is who had it before.',
    schema: Type.Object({ conversation: ConversationShape, previousStatus: Status, previousAssigneeUserId: Nullable(Id), actor: ActorShape }),
    present: (p) => ({
      conversation: presentConversation(p.conversation),
      previousStatus: p.previousStatus,
      previousAssigneeUserId: p.previousAssigneeUserId ?? null,
      actor: actorOf(p),
    }),
  },
  'message.created': {
    description: 'A message was stored: `message` as `GET /api/v1/conversations/{id}/messages` lists it, `conversation` as it stood after it.',
    schema: Type.Object({ message: MessageShape, conversation: ConversationShape, actor: ActorShape }),
    present: (p) => ({ message: presentMessage(p.message), conversation: presentConversation(p.conversation), actor: actorOf(p) }),
  },
  'message.updated': {
    description:
      "A message's `externalStatus` moved (a channel receipt, or a retry: from `failed` back to `pending`, or `sent` on the sandbox): the message after the change and its previous status.",
    schema: Type.Object({
      message: MessageShape,
      conversation: ConversationShape,
      previousExternalStatus: Nullable(Type.Enum([...EXTERNAL_STATUSES])),
      actor: ActorShape,
    }),
    present: (p) => ({
      message: presentMessage(p.message),
      conversation: presentConversation(p.conversation),
      previousExternalStatus: p.previousExternalStatus ?? null,
      actor: actorOf(p),
    }),
  },
  'contact.created': contactEvent('A person was created: `person` as `GET /api/v1/people/{id}` answers it.'),
  'contact.updated': contactEvent('A person changed: `person` as `GET /api/v1/people/{id}` answers it after the change.'),
  'contact.deleted': contactEvent('A person was deleted: `person` as it was, `updatedAt` the time of the deletion.'),
  'support_session.started': sessionEvent(
    "Human support started (WAITING or ACTIVE): the support session (Jelou's conversation) and the conversation after the change.",
  ),
  'support_session.closed': sessionEvent(
    'Human support ended: the closed session (`endAt`, `endedReason`, `redirectPayload`) and the conversation after the change.',
  ),
  'webhook.test': {
    description: 'A webhook test was sent to the subscription `subscriptionId`.',
    schema: Type.Object({ subscriptionId: Id, actor: ActorShape }),
    present: (p) => ({ subscriptionId: p.subscriptionId, actor: actorOf(p) }),
  },
};

const isKnown = (type: string): type is EventType => Object.hasOwn(PAYLOADS, type);

const envelope = (type: TSchema, payload: TSchema, options: { title: string; description: string }) =>
  Type.Object(
    {
      id: Id,
      type,
      conversationId: Nullable(Id),
      createdAt: Timestamp,
      cursor: Type.String({ description: 'pass as `after` to resume after this event' }),
      payload,
    },
    options,
  );

/** An event as the feed shows it. */
export interface FeedEvent {
  id: string;
  type: string;
  conversationId: string | null;
  createdAt: string;
  cursor: string;
  payload: Record<string, unknown>;
}

/** An event of the feed, one shape per `type`; a type this version does not know carries an empty payload. */
const EventUnion = Type.Union([
  ...EVENT_TYPES.map((type) => envelope(Type.Literal(type), PAYLOADS[type].schema, { title: type, description: PAYLOADS[type].description })),
  envelope(Type.String({ not: { enum: [...EVENT_TYPES] } }), Type.Object({}, { additionalProperties: false }), {
    title: 'other',
    description: 'An event type this server version does not describe: its payload is empty.',
  }),
]);
export const EventShape = Type.Unsafe<FeedEvent>(EventUnion);

/** The stored event as the feed shows it: ISO times, ids as in REST, no workspace id. */
export function presentEvent(e: DomainEvent, cursor: string): FeedEvent {
  const payload = isKnown(e.type) ? PAYLOADS[e.type].present(e.payload as unknown as StoredPayload) : {};
  return { id: e.id, type: e.type, conversationId: e.conversationId, createdAt: new Date(e.createdAt).toISOString(), cursor, payload };
}
