import { type JsonObject, asObject, asPhone, asText, readErrors, secondsToMs } from './json-fields.ts';
import { type ContentOrReason, messageContents, unsupported } from './message-content.ts';
import { resolvePerson } from './webhook-person.ts';
import type { WaContent, WaItem, WaPerson, WaSystemChange } from './webhook-types.ts';

interface Head {
  message: JsonObject;
  wamid: string;
  timestamp: number;
}

function invalid(reason: string, raw: unknown): WaItem {
  return { kind: 'invalid', reason, raw };
}

/** What every message needs before its type matters: an object, an id and a time. */
function readHead(raw: unknown): Head | string {
  const message = asObject(raw);
  if (message === null) return 'not an object';
  const wamid = asText(message.id);
  if (wamid === null) return 'no id';
  const timestamp = secondsToMs(message.timestamp);
  if (timestamp === null) return 'no readable timestamp';
  return { message, wamid, timestamp };
}

/** One element of `value.messages[]`: a message (several for shared contacts), a reaction or a system notice. */
export function parseInboundMessage(raw: unknown, contacts: JsonObject[]): WaItem[] {
  const head = readHead(raw);
  if (typeof head === 'string') return [invalid(`message: ${head}`, raw)];
  const { message, wamid, timestamp } = head;
  const from = resolvePerson(message.from, message.from_user_id, contacts);
  if (from === null) return [invalid('message: no sender (neither from nor from_user_id)', raw)];
  const groupId = asText(message.group_id);
  if (message.type === 'reaction') return [reaction(head, from, groupId)];
  if (message.type === 'system') return [system(head, from)];
  return bodies(message, messageContents(message)).map((body, index) =>
    'invalid' in body
      ? invalid(`message: ${body.invalid}`, raw)
      : { kind: 'message', externalId: externalId(wamid, index), wamid, from, groupId, timestamp, body, contextWamid: contextWamid(message) },
  );
}

/** One element of `value.message_echoes[]`: the business wrote from the WhatsApp Business app, `to` is the person. */
export function parseEcho(raw: unknown, contacts: JsonObject[]): WaItem[] {
  const head = readHead(raw);
  if (typeof head === 'string') return [invalid(`echo: ${head}`, raw)];
  const { message, wamid, timestamp } = head;
  const to = resolvePerson(message.to, message.to_user_id, contacts);
  if (to === null) return [invalid('echo: no recipient (neither to nor to_user_id)', raw)];
  // Reactions and system notices have no body of their own; as echoes they are shown as placeholders.
  const contents = message.type === 'reaction' || message.type === 'system' ? [unsupported(message)] : messageContents(message);
  return bodies(message, contents).map((body, index) =>
    'invalid' in body
      ? invalid(`echo: ${body.invalid}`, raw)
      : { kind: 'echo', externalId: externalId(wamid, index), wamid, to, timestamp, body, contextWamid: contextWamid(message) },
  );
}

// The first body keeps the wamid so redeliveries de-duplicate; further shared contacts get a stable suffix.
function externalId(wamid: string, index: number): string {
  return index === 0 ? wamid : `${wamid}:${index}`;
}

function contextWamid(message: JsonObject): string | null {
  return asText(asObject(message.context)?.id);
}

/** Adds what every message may carry (forwarding, ad referral, errors) to each body's metadata. */
function bodies(message: JsonObject, contents: ContentOrReason[]): ContentOrReason[] {
  const common = commonMetadata(message);
  return contents.map((body) => {
    if ('invalid' in body) return body;
    const metadata = { ...common, ...body.metadata };
    return { ...body, metadata: Object.keys(metadata).length > 0 ? metadata : null } satisfies WaContent;
  });
}

function commonMetadata(message: JsonObject): JsonObject {
  const metadata: JsonObject = {};
  const context = asObject(message.context);
  if (context?.forwarded === true || context?.frequently_forwarded === true) metadata.forwarded = true;
  if (context?.frequently_forwarded === true) metadata.frequentlyForwarded = true;
  if (context?.referred_product !== undefined) metadata.referredProduct = context.referred_product;
  if (message.referral !== undefined) metadata.referral = message.referral;
  const errors = readErrors(message.errors);
  if (errors.length > 0) metadata.errors = errors;
  return metadata;
}

function reaction({ message, wamid, timestamp }: Head, from: WaPerson, groupId: string | null): WaItem {
  const part = asObject(message.reaction);
  const targetWamid = asText(part?.message_id);
  if (targetWamid === null) return invalid('reaction: no message_id', message);
  // Meta signals a removed reaction by an empty or absent emoji.
  return { kind: 'reaction', wamid, from, groupId, timestamp, targetWamid, emoji: asText(part?.emoji) };
}

function system({ message, wamid, timestamp }: Head, from: WaPerson): WaItem {
  const part = asObject(message.system) ?? {};
  const change = systemChange(part);
  return { kind: 'system', wamid, from, timestamp, change, text: asText(part.body) ?? describe(change) };
}

function systemChange(part: JsonObject): WaSystemChange {
  const type = asText(part.type);
  if (type === 'user_changed_number') return { type, newPhone: asPhone(part.wa_id) ?? asPhone(part.new_wa_id) };
  if (type === 'user_changed_user_id') return { type, newUserId: asText(part.user_id) };
  return { type: 'other', systemType: type ?? 'unknown' };
}

function describe(change: WaSystemChange): string {
  if (change.type === 'user_changed_number')
    return change.newPhone ? `The user changed their phone number to +${change.newPhone}.` : 'The user changed their phone number.';
  if (change.type === 'user_changed_user_id')
    return change.newUserId ? `The user's WhatsApp user id changed to ${change.newUserId}.` : "The user's WhatsApp user id changed.";
  return `WhatsApp system notice: ${change.systemType}.`;
}
