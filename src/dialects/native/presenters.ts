import type { Conversation, Message, SupportSession } from '../../domain/model.ts';
import { serviceWindowClosesAt } from '../../domain/service-window.ts';
import { iso, isoRequired } from './schemas.ts';

/** `channelKind` (events' snapshots carry it; routes add it) tells whether the conversation has a service window. */
export function presentConversation(c: Conversation & { channelKind?: string | null }) {
  return {
    id: c.id,
    inboxId: c.inboxId,
    channelId: c.channelId,
    botId: c.botId,
    personId: c.personId,
    groupId: c.groupId,
    isGroup: c.isGroup,
    status: c.status,
    priority: c.priority,
    assigneeUserId: c.assigneeUserId,
    roleId: c.roleId,
    agentId: c.agentId,
    isFixed: c.isFixed,
    isArchived: c.isArchived,
    isPrivate: c.isPrivate,
    tagIds: c.tagIds,
    unreadCount: c.unreadCount,
    lastMessageId: c.lastMessageId,
    lastMessageAt: iso(c.lastMessageAt),
    lastActivityAt: isoRequired(c.lastActivityAt),
    serviceWindowClosesAt: iso(serviceWindowClosesAt(c.channelKind, c)),
    metadata: c.metadata,
    createdAt: isoRequired(c.createdAt),
    updatedAt: isoRequired(c.updatedAt),
  };
}

export interface PersonSummary {
  id: string;
  name: string | null;
  phoneNumber: string | null;
}

/** The list's and get's conversation: the presented conversation plus its person summary. */
export function withPerson<C extends ReturnType<typeof presentConversation>>(c: C, person: PersonSummary | null) {
  return { ...c, person: person && { id: person.id, name: person.name, phoneNumber: person.phoneNumber } };
}

export function presentMessage(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    type: m.type,
    direction: m.direction,
    content: m.content,
    media:
      m.media === null
        ? null
        : {
            url: m.media.url,
            mimeType: m.media.mimeType,
            fileName: m.media.fileName,
            caption: m.media.caption,
            size: m.media.size,
            ...(m.media.status ? { status: m.media.status, error: m.media.error ?? null } : {}),
          },
    messageAt: isoRequired(m.messageAt),
    externalId: m.externalId,
    externalStatus: m.externalStatus,
    errorMessage: m.errorMessage,
    senderPersonId: m.senderPersonId,
    senderUserId: m.senderUserId,
    senderBotId: m.senderBotId,
    contact: m.contact === null ? null : { name: m.contact.name, phoneNumber: m.contact.phoneNumber },
    quotedMessageId: m.quotedMessageId,
    transcription: m.transcription,
    summary: m.summary,
    metadata: m.metadata,
    clientMessageId: m.clientMessageId,
    createdAt: isoRequired(m.createdAt),
    updatedAt: isoRequired(m.updatedAt),
  };
}

export function presentSession(s: SupportSession) {
  return {
    id: s.id,
    conversationId: s.conversationId,
    botId: s.botId,
    personId: s.personId,
    state: s.state,
    startAt: isoRequired(s.startAt),
    endAt: iso(s.endAt),
    endedReason: s.endedReason,
    initialMessage: s.initialMessage,
    metadata: s.metadata,
    assignment: s.assignment,
    redirectPayload: s.redirectPayload,
  };
}
