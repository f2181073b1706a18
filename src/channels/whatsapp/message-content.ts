import { type JsonObject, asNumber, asObject, asPhone, asText, readErrors } from './json-fields.ts';
import type { WaContent, WaContentType } from './webhook-types.ts';

/** A body, or why the part of the message that should have held one could not be read. */
export type ContentOrReason = WaContent | { invalid: string };

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * The bodies one WhatsApp message becomes (spec §2 rule 5): one, except `contacts`, which gives one
 * per shared card. A type whose own object is missing or unreadable becomes an `unsupported`
 * placeholder, so a real message never arrives silently.
 */
export function messageContents(message: JsonObject): ContentOrReason[] {
  const type = asText(message.type);
  const part = type === null ? null : asObject(message[type]);
  if (type === 'text' && part && typeof part.body === 'string') return [content('text', part.body)];
  if (MEDIA_TYPES.includes(type as MediaType) && part) return [mediaContent(type as MediaType, part) ?? unsupported(message)];
  if (type === 'location' && part) return [locationContent(part) ?? unsupported(message)];
  if (type === 'contacts' && Array.isArray(message.contacts) && message.contacts.length > 0) return message.contacts.map(contactContent);
  if (type === 'interactive' && part) return [interactiveContent(part) ?? unsupported(message)];
  if (type === 'button' && part) return [buttonContent(part) ?? unsupported(message)];
  return [unsupported(message)];
}

function content(type: WaContentType, text: string | null, extra: Partial<WaContent> = {}): WaContent {
  return { type, content: text, media: null, contact: null, metadata: null, ...extra };
}

function mediaContent(type: MediaType, part: JsonObject): WaContent | null {
  const id = asText(part.id);
  if (id === null) return null;
  const caption = asText(part.caption);
  const voice = type === 'audio' && part.voice === true;
  const metadata: JsonObject = {};
  if (voice) metadata.voice = true;
  if (type === 'sticker' && part.animated === true) metadata.animated = true;
  const media = { id, mimeType: asText(part.mime_type), sha256: asText(part.sha256), caption, fileName: asText(part.filename), voice };
  return content(type, caption, { media, metadata: Object.keys(metadata).length > 0 ? metadata : null });
}

function locationContent(part: JsonObject): WaContent | null {
  const latitude = asNumber(part.latitude);
  const longitude = asNumber(part.longitude);
  if (latitude === null || longitude === null) return null;
  const name = asText(part.name);
  const location = { latitude, longitude, name, address: asText(part.address), url: asText(part.url) };
  return content('location', name ?? `${latitude},${longitude}`, { metadata: { location } });
}

function contactContent(card: unknown): ContentOrReason {
  const fields = asObject(card);
  if (fields === null) return { invalid: 'a shared contact is not an object' };
  const name = asObject(fields.name);
  const fullName = asText(name?.formatted_name) ?? joinNames(asText(name?.first_name), asText(name?.last_name));
  const phone = Array.isArray(fields.phones) ? asObject(fields.phones[0]) : null;
  const phoneNumber = asPhone(phone?.wa_id) ?? asPhone(phone?.phone);
  return content('contact', fullName ?? phoneNumber, { contact: { name: fullName, phoneNumber }, metadata: { card } });
}

function joinNames(first: string | null, last: string | null): string | null {
  const joined = [first, last].filter((part) => part !== null).join(' ');
  return joined === '' ? null : joined;
}

// The reply keeps Meta's own field names, plus `title` for the label every kind of reply shows.
function interactiveContent(part: JsonObject): WaContent | null {
  const kind = asText(part.type);
  const reply = kind === null ? null : asObject(part[kind]);
  if (reply === null) return null;
  if (kind === 'button_reply' || kind === 'list_reply') {
    const title = asText(reply.title);
    const fields = compact({ type: kind, id: asText(reply.id), title, description: asText(reply.description) });
    return title === null && fields.id === undefined ? null : content('text', title ?? asText(reply.id), { metadata: { reply: fields } });
  }
  if (kind === 'nfm_reply') {
    const body = asText(reply.body);
    const fields = compact({ type: kind, name: asText(reply.name), body, response_json: asText(reply.response_json) });
    return content('text', body ?? asText(reply.name), { metadata: { reply: fields } });
  }
  return null;
}

function buttonContent(part: JsonObject): WaContent | null {
  const title = asText(part.text);
  const payload = asText(part.payload);
  if (title === null && payload === null) return null;
  return content('text', title ?? payload, { metadata: { reply: compact({ type: 'button', payload, title }) } });
}

function compact(fields: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** The placeholder for a type Conversas cannot show; `originalType` is Meta's `type` as given. */
export function unsupported(message: JsonObject): WaContent {
  const type = asText(message.type);
  const metadata: JsonObject = { originalType: type, errors: readErrors(message.errors) };
  // Meta's `unsupported` type says in `unsupported.type` what it stands for ("edit", "poll_creation"…).
  const unsupportedType = type === 'unsupported' ? asText(asObject(message.unsupported)?.type) : null;
  if (unsupportedType !== null) metadata.unsupportedType = unsupportedType;
  const interactiveType = type === 'interactive' ? asText(asObject(message.interactive)?.type) : null;
  if (interactiveType !== null) metadata.interactiveType = interactiveType;
  return content('unsupported', null, { metadata });
}
