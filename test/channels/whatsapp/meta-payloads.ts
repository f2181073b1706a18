// Webhook bodies shaped exactly like Meta's examples (spec vendor-notes-whatsapp.md §2–§3), for unit
// and integration tests. Each inbound builder returns a value part ({contacts, messages}); metaEnvelope
// wraps parts into a whole POST body.
import { createHmac } from 'node:crypto';

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_PHONE_NUMBER = '15550783881';
export const TIMESTAMP = '1749416383';

/** The arrays a change's `value` may hold; parts given together are concatenated into one value. */
export interface ValuePart {
  contacts?: any[];
  messages?: any[];
  statuses?: any[];
  message_echoes?: any[];
  errors?: any[];
}

export interface EnvelopeOptions {
  wabaId?: string;
  displayPhoneNumber?: string;
  /** Defaults to `smb_message_echoes` when the parts hold echoes, `messages` otherwise. */
  field?: string;
}

/** One change: `{value: {messaging_product, metadata, contacts?, messages?, …}, field}`. */
export function metaChange(phoneNumberId: string, parts: ValuePart | ValuePart[], options: EnvelopeOptions = {}) {
  const list = Array.isArray(parts) ? parts : [parts];
  const value: Record<string, any> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: options.displayPhoneNumber ?? DISPLAY_PHONE_NUMBER, phone_number_id: phoneNumberId },
  };
  for (const key of ['contacts', 'messages', 'statuses', 'message_echoes', 'errors'] as const) {
    const items = list.flatMap((part) => part[key] ?? []);
    if (items.length > 0) value[key] = key === 'contacts' ? uniqueContacts(items) : items;
  }
  return { value, field: options.field ?? (value.message_echoes ? 'smb_message_echoes' : 'messages') };
}

// Meta lists each sender once even when they wrote several messages in the batch.
function uniqueContacts(contacts: any[]) {
  const seen = new Set<string>();
  return contacts.filter((contact) => {
    const key = `${contact.wa_id ?? ''}|${contact.user_id ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A whole POST body: one entry (the WABA) with one change for `phoneNumberId`. */
export function metaEnvelope(phoneNumberId: string, parts: ValuePart | ValuePart[], options: EnvelopeOptions = {}) {
  return { object: 'whatsapp_business_account', entry: [{ id: options.wabaId ?? WABA_ID, changes: [metaChange(phoneNumberId, parts, options)] }] };
}

/** Several bodies as one POST: their entries side by side, or with `sameEntry` their changes in one entry. */
export function metaBatch(bodies: ReturnType<typeof metaEnvelope>[], options: { sameEntry?: boolean } = {}) {
  const entries = bodies.flatMap((body) => body.entry);
  if (!options.sameEntry) return { object: 'whatsapp_business_account', entry: entries };
  return { object: 'whatsapp_business_account', entry: [{ id: entries[0]?.id ?? WABA_ID, changes: entries.flatMap((entry) => entry.changes) }] };
}

/** Fields every inbound builder takes. `from: null` is a username user whose phone Meta withholds (BSUID only). */
export interface Inbound {
  from: string | null;
  id: string;
  name?: string;
  username?: string;
  userId?: string;
  timestamp?: string | number;
  context?: Record<string, unknown>;
  groupId?: string;
  referral?: Record<string, unknown>;
}

/** `{contacts, messages}` for one inbound message with the type's own object. */
export function inbound(fields: Inbound, type: string, part: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): ValuePart {
  const message: Record<string, unknown> = {};
  if (fields.context) message.context = fields.context;
  if (fields.from !== null) message.from = fields.from;
  if (fields.userId) message.from_user_id = fields.userId;
  if (fields.groupId) message.group_id = fields.groupId;
  message.id = fields.id;
  message.timestamp = String(fields.timestamp ?? TIMESTAMP);
  if (fields.referral) message.referral = fields.referral;
  Object.assign(message, extra);
  message.type = type;
  if (part !== undefined) message[type] = part;
  return { contacts: [contactBlock(fields)], messages: [message] };
}

function contactBlock(fields: Inbound) {
  const contact: Record<string, unknown> = { profile: { name: fields.name ?? 'Sheena Nelson', ...(fields.username ? { username: fields.username } : {}) } };
  if (fields.from !== null) contact.wa_id = fields.from;
  if (fields.userId) contact.user_id = fields.userId;
  return contact;
}

export function inboundText(fields: Inbound & { body: string }): ValuePart {
  return inbound(fields, 'text', { body: fields.body });
}

interface MediaFields {
  mediaId?: string;
  mimeType?: string;
  sha256?: string;
  caption?: string;
  url?: string;
}

function mediaPart(fields: MediaFields, defaults: { mimeType: string; sha256: string }) {
  const part: Record<string, unknown> = {};
  if (fields.caption !== undefined) part.caption = fields.caption;
  part.mime_type = fields.mimeType ?? defaults.mimeType;
  part.sha256 = fields.sha256 ?? defaults.sha256;
  part.id = fields.mediaId ?? '1234567890987654321';
  if (fields.url) part.url = fields.url;
  return part;
}

export function inboundImage(fields: Inbound & MediaFields): ValuePart {
  return inbound(fields, 'image', mediaPart(fields, { mimeType: 'image/jpeg', sha256: '4654+8g=' }));
}

export function inboundAudio(fields: Inbound & Omit<MediaFields, 'caption'> & { voice?: boolean }): ValuePart {
  const part = mediaPart(fields, { mimeType: 'audio/ogg; codecs=opus', sha256: 'm04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=' });
  return inbound(fields, 'audio', { ...part, voice: fields.voice ?? true });
}

export function inboundVideo(fields: Inbound & MediaFields): ValuePart {
  return inbound(fields, 'video', mediaPart(fields, { mimeType: 'video/mp4', sha256: 'Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc=' }));
}

export function inboundDocument(fields: Inbound & MediaFields & { filename?: string }): ValuePart {
  const part = mediaPart(fields, { mimeType: 'application/pdf', sha256: 'grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=' });
  const { caption, ...rest } = part;
  return inbound(fields, 'document', { ...(caption !== undefined ? { caption } : {}), filename: fields.filename ?? 'filename.pdf', ...rest });
}

export function inboundSticker(fields: Inbound & Omit<MediaFields, 'caption'> & { animated?: boolean }): ValuePart {
  const part = mediaPart(fields, { mimeType: 'image/webp', sha256: 'HcwyCKrTKXHk0a00ms4HWIA76GY0Du6q4Z/iuwevw=' });
  return inbound(fields, 'sticker', { ...part, animated: fields.animated ?? true });
}

/** A dropped pin has only coordinates; a chosen place adds name, address and url. */
export function inboundLocation(
  fields: Inbound & { latitude?: number; longitude?: number; placeName?: string; address?: string; url?: string; place?: boolean },
): ValuePart {
  const place = fields.place ?? true;
  const location: Record<string, unknown> = {};
  if (place) location.address = fields.address ?? '101 Forest Ave, Palo Alto, CA 94301';
  location.latitude = fields.latitude ?? 37.44221496582;
  location.longitude = fields.longitude ?? -122.16165924072;
  if (place) location.name = fields.placeName ?? 'Philz Coffee';
  if (place) location.url = fields.url ?? 'https://philzcoffee.com/';
  return inbound(fields, 'location', location);
}

/** A shared card as Meta sends it: `name`, `phones[{phone, wa_id, type}]` and any other vCard fields. */
export function contactCard(formattedName: string, phone: string, waId?: string, more: Record<string, unknown> = {}) {
  const [first, ...rest] = formattedName.split(' ');
  return {
    name: { first_name: first, ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}), formatted_name: formattedName },
    phones: [{ phone, ...(waId ? { wa_id: waId } : {}), type: 'CELL' }],
    ...more,
  };
}

export function inboundContacts(fields: Inbound & { cards?: any[] }): ValuePart {
  const cards = fields.cards ?? [contactCard('Chandler Bing', '+1 555-555-5555', '972987654321')];
  // The shared cards sit in `messages[].contacts`, not in the value-level `contacts` block.
  return inbound(fields, 'contacts', undefined, { contacts: cards });
}

const BUTTON_CONTEXT = { from: DISPLAY_PHONE_NUMBER, id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA' };

export function inboundButtonReply(fields: Inbound & { replyId?: string; title?: string }): ValuePart {
  const button_reply = { id: fields.replyId ?? 'cancel-button', title: fields.title ?? 'Cancel' };
  return inbound({ context: BUTTON_CONTEXT, ...fields }, 'interactive', { type: 'button_reply', button_reply });
}

export function inboundListReply(fields: Inbound & { replyId?: string; title?: string; description?: string }): ValuePart {
  const list_reply = {
    id: fields.replyId ?? 'priority_express',
    title: fields.title ?? 'Priority Mail Express',
    description: fields.description ?? 'Next Day to 2 Days',
  };
  return inbound({ context: BUTTON_CONTEXT, ...fields }, 'interactive', { type: 'list_reply', list_reply });
}

/** A WhatsApp Flow's answer: `response_json` is a JSON string, `body` the text the user saw. */
export function inboundFlowReply(fields: Inbound & { responseJson?: string; body?: string; flowName?: string }): ValuePart {
  const nfm_reply = {
    response_json: fields.responseJson ?? '{"flow_token":"unused","choice":"a"}',
    body: fields.body ?? 'Sent',
    name: fields.flowName ?? 'flow',
  };
  return inbound({ context: BUTTON_CONTEXT, ...fields }, 'interactive', { type: 'nfm_reply', nfm_reply });
}

/** A template's quick-reply button (type `button`, distinct from interactive replies). */
export function inboundTemplateButton(fields: Inbound & { payload?: string; text?: string }): ValuePart {
  return inbound(fields, 'button', { payload: fields.payload ?? 'callback_data', text: fields.text ?? 'title' });
}

/** `emoji: null` leaves the field out (Meta's removal); `''` sends it empty (also a removal). */
export function inboundReaction(fields: Inbound & { targetId: string; emoji?: string | null }): ValuePart {
  const reaction: Record<string, unknown> = { message_id: fields.targetId };
  if (fields.emoji !== null) reaction.emoji = fields.emoji ?? '👍';
  return inbound(fields, 'reaction', reaction);
}

/** Meta's `unsupported` message; `unsupportedType: null` leaves out the `unsupported` object (older payloads). */
export function inboundUnsupported(fields: Inbound & { unsupportedType?: string | null; code?: number; type?: string }): ValuePart {
  const code = fields.code ?? 131051;
  const title = code === 131060 ? 'This message is currently unavailable.' : 'Message type unknown';
  const errors = [{ code, title, message: title, error_data: { details: 'Message type is currently not supported.' } }];
  const type = fields.type ?? 'unsupported';
  const part = fields.unsupportedType === null ? undefined : { type: fields.unsupportedType ?? 'edit' };
  return inbound(fields, type, type === 'unsupported' ? part : undefined, { errors });
}

/** Meta sends no contacts block with a number change; `from` is the old number. */
export function inboundNumberChanged(fields: Inbound & { newWaId: string }): ValuePart {
  const system = { body: `User A changed from ${fields.from} to ${fields.newWaId}`, wa_id: fields.newWaId, type: 'user_changed_number' };
  const { messages } = inbound(fields, 'system', system);
  return { messages };
}

export function inboundUserIdChanged(fields: Inbound & { newUserId: string; body?: string }): ValuePart {
  const system: Record<string, unknown> = { type: 'user_changed_user_id', user_id: fields.newUserId };
  if (fields.body) system.body = fields.body;
  const { messages } = inbound(fields, 'system', system);
  return { messages };
}

/** A Click-to-WhatsApp ad's `referral` object. */
export function adReferral(overrides: Record<string, unknown> = {}) {
  return {
    source_url: 'https://fb.me/3cr4Wqqkm',
    source_id: '120226305854810726',
    source_type: 'ad',
    body: 'Compre já',
    headline: 'Oferta',
    media_type: 'image',
    image_url: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg',
    ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMXP-ZA',
    welcome_message: { text: 'Olá! Como podemos ajudar?' },
    ...overrides,
  };
}

export function inboundReferral(fields: Inbound & { body: string; referral?: Record<string, unknown> }): ValuePart {
  return inboundText({ ...fields, referral: fields.referral ?? adReferral() });
}

export function inboundForwarded(fields: Inbound & { body: string; frequently?: boolean }): ValuePart {
  return inboundText({ ...fields, context: fields.frequently ? { frequently_forwarded: true } : { forwarded: true } });
}

export function inboundGroupText(fields: Inbound & { body: string; groupId: string }): ValuePart {
  return inboundText(fields);
}

/** A Meta error object as in `statuses[].errors`, `messages[].errors` and `value.errors`. */
export function metaError(code: number, title: string, details?: string, href?: string) {
  return { code, title, message: title, ...(details ? { error_data: { details } } : {}), ...(href ? { href } : {}) };
}

export const ECOSYSTEM_ERROR = metaError(
  131049,
  'This message was not delivered to maintain healthy ecosystem engagement.',
  'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  '/documentation/business-messaging/whatsapp/support/error-codes',
);

export interface StatusFields {
  id: string;
  status: string;
  recipientId?: string;
  recipientUserId?: string;
  bizOpaqueCallbackData?: string;
  errors?: any[];
  timestamp?: string | number;
  /** Group messages: `recipient_id` is the group, the person is the participant. */
  group?: { groupId: string; participantId: string };
}

/** One status; `sent` carries pricing, `failed` the errors (Meta's 131049 example unless given). */
export function statusUpdate(fields: StatusFields): ValuePart {
  const status: Record<string, unknown> = { id: fields.id, status: fields.status, timestamp: String(fields.timestamp ?? TIMESTAMP) };
  if (fields.group) {
    Object.assign(status, { recipient_id: fields.group.groupId, recipient_type: 'group', recipient_participant_id: fields.group.participantId });
  } else if (fields.recipientId) {
    status.recipient_id = fields.recipientId;
  }
  if (fields.recipientUserId) status.recipient_user_id = fields.recipientUserId;
  if (fields.bizOpaqueCallbackData) status.biz_opaque_callback_data = fields.bizOpaqueCallbackData;
  if (fields.status === 'sent') status.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
  if (fields.status === 'failed' || fields.errors) status.errors = fields.errors ?? [ECOSYSTEM_ERROR];
  return { statuses: [status] };
}

/** A message the business sent from the WhatsApp Business app (Coexistence): `from` the business, `to` the person. */
export function echo(fields: {
  to: string | null;
  id: string;
  toUserId?: string;
  from?: string;
  timestamp?: string | number;
  body?: string;
  type?: string;
  part?: Record<string, unknown>;
}): ValuePart {
  const message: Record<string, unknown> = { from: fields.from ?? DISPLAY_PHONE_NUMBER };
  if (fields.to !== null) message.to = fields.to;
  if (fields.toUserId) message.to_user_id = fields.toUserId;
  message.id = fields.id;
  message.timestamp = String(fields.timestamp ?? '1739321024');
  const type = fields.type ?? 'text';
  message.type = type;
  message[type] = fields.part ?? { body: fields.body ?? "Here's the info you requested! https://www.meta.com/quest/quest-3/" };
  return { message_echoes: [message] };
}

/** `value.errors[]`: problems with the app or account, tied to no message. */
export function webhookErrors(errors: any[] = [metaError(131000, 'Something went wrong', 'Unsupported webhook payload')]): ValuePart {
  return { errors };
}

/** The `X-Hub-Signature-256` header Meta would send for this exact body. */
export function signMeta(body: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`;
}

/** JSON as Meta serialises it: non-ASCII escaped as lowercase `\uXXXX` (the signature covers these bytes). */
export function metaJson(body: unknown): string {
  return JSON.stringify(body).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
