import type { Message } from '../../domain/model.ts';

/** Who a message goes to: a person (by phone, else BSUID) or a group. */
export interface Recipient {
  phone: string | null;
  bsuid: string | null;
  groupExternalId: string | null;
}

/** A file Meta already holds (uploaded, by id) or will fetch itself (by link). */
export type MediaRef = { id: string } | { link: string };

export type Body = Record<string, unknown>;

/** The message's address fields (vendor notes §5.1): `+` and the digits, else the BSUID, or the group's id. */
export function recipientFields(recipient: Recipient): Body | string {
  if (recipient.groupExternalId) return { recipient_type: 'group', to: recipient.groupExternalId };
  const digits = recipient.phone?.replace(/\D/g, '') ?? '';
  if (digits) return { recipient_type: 'individual', to: `+${digits}` };
  if (recipient.bsuid) return { recipient_type: 'individual', recipient: recipient.bsuid };
  return 'the person has neither a phone number nor a WhatsApp user id';
}

/** The type-specific part of a send (vendor notes §5.2); a string says why the message cannot be sent. */
export function contentFields(message: Message, media: MediaRef | null): Body | string {
  switch (message.type) {
    case 'text':
      return message.content ? { type: 'text', text: { body: message.content, preview_url: false } } : 'the message has no text';
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker': {
      if (!media) return 'the message has no file';
      const caption = message.media?.caption ?? null;
      const object: Body = { ...media };
      // Meta refuses captions on audio and stickers; only documents carry a file name.
      if (caption && message.type !== 'audio' && message.type !== 'sticker') object.caption = caption;
      if (message.type === 'document' && message.media?.fileName) object.filename = message.media.fileName;
      return { type: message.type, [message.type]: object };
    }
    case 'location': {
      const location = message.metadata?.location as Record<string, unknown> | undefined;
      if (!location || location.latitude == null || location.longitude == null) return 'the location message has no coordinates';
      const { latitude, longitude, name, address } = location;
      return { type: 'location', location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } };
    }
    case 'contact': {
      const phone = message.contact?.phoneNumber?.replace(/\D/g, '');
      if (!phone) return 'the contact has no phone number';
      const name = message.contact?.name ?? `+${phone}`;
      return { type: 'contacts', contacts: [{ name: { formatted_name: name, first_name: name }, phones: [{ phone: `+${phone}` }] }] };
    }
    case 'template': {
      const template = message.metadata?.template;
      return template && typeof template === 'object' ? { type: 'template', template } : 'the template message has no template';
    }
    default:
      return `${message.type} messages cannot be sent to WhatsApp`;
  }
}
