import type { Message } from '../../domain/model.ts';
import type { QuotedSummary } from '../../db/repos/conversation-views.ts';
import { formattedDate } from './formatted-date.ts';

/** A message as JuriChat's `GET /conversation/{id}` shows it (also send-message's answer and message webhooks). */
export function presentJuriMessage(m: Message, quoted: QuotedSummary | null | undefined, isGroup: boolean) {
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
