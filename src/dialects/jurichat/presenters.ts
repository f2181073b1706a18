import type { MessageOnPage, Person } from '../../domain/model.ts';
import type { QuotedSummary } from '../../db/repos/conversation-views.ts';
import { formattedDate } from './formatted-date.ts';
import { asVendorMessage } from '../vendor-message.ts';

/** A message as JuriChat's `GET /conversation/{id}` shows it (also send-message's answer and message webhooks). */
export function presentJuriMessage(message: MessageOnPage, quoted: QuotedSummary | null | undefined, isGroup: boolean) {
  const m = asVendorMessage(message);
  return {
    id: m.id,
    content: m.content,
    type: m.type,
    direction: m.direction,
    messageAt: new Date(m.messageAt).toISOString(),
    externalId: m.externalId,
    externalStatus: m.externalStatus,
    errorMessage: m.errorMessage,
    participantId: m.senderUserId ?? (isGroup ? m.senderPersonId : null),
    formattedDate: formattedDate(m.messageAt),
    contact: m.contact === null ? null : { name: m.contact.name, phoneNumber: m.contact.phoneNumber },
    quotedMessage: quoted ? { id: quoted.id, content: quoted.content, formattedDate: formattedDate(quoted.messageAt) } : null,
    transcription: m.transcription,
    summary: m.summary,
    metadata: m.metadata,
  };
}

/** A person's fields as JuriChat's `/people` routes show them (the list adds `conversationId`, every shape adds `tags`). */
export function presentJuriPersonCore(p: Person) {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    imageUrl: p.imageUrl,
    phoneNumber: p.phoneNumber,
    document: p.document,
    description: p.description,
    country: p.country,
    city: p.city,
    isBlocked: p.isBlocked,
    inboxId: p.inboxId,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

/** A person as JuriChat's `GET /people/{id}` shows it (also the data of contact.* webhooks). */
export function presentJuriPerson(p: Person, tags: { id: string; name: string; color: string }[]) {
  return { ...presentJuriPersonCore(p), tags: tags.map((t) => ({ id: t.id, name: t.name, color: t.color })) };
}
