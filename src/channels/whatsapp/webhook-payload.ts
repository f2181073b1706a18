import { type JsonObject, asObject, asText } from './json-fields.ts';
import { parseEcho, parseInboundMessage } from './webhook-message.ts';
import { parseStatus, parseValueError } from './webhook-status.ts';
import type { WaChange, WaItem } from './webhook-types.ts';

export type { WaChange, WaContent, WaContentType, WaError, WaItem, WaMedia, WaPerson, WaStatus, WaSystemChange } from './webhook-types.ts';

/**
 * Every change of a Meta webhook body with every item it holds (spec §2 rule 1). Never throws: an
 * item that cannot be read becomes `{kind: 'invalid'}` in place and the others are kept; a body of
 * an unknown shape gives `[]`.
 */
export function parseWebhook(body: unknown): WaChange[] {
  try {
    const root = asObject(body);
    if (root === null || !Array.isArray(root.entry)) return [];
    if (root.object !== undefined && root.object !== 'whatsapp_business_account') return [];
    return root.entry.flatMap(parseEntry);
  } catch {
    return [];
  }
}

function parseEntry(raw: unknown): WaChange[] {
  const entry = asObject(raw);
  if (entry === null) return [unreadable('entry is not an object', raw)];
  if (!Array.isArray(entry.changes)) return [unreadable('entry has no changes array', raw)];
  return entry.changes.map(parseChange);
}

function unreadable(reason: string, raw: unknown): WaChange {
  return { phoneNumberId: null, field: '', items: [{ kind: 'invalid', reason, raw }] };
}

function parseChange(raw: unknown): WaChange {
  const change = asObject(raw);
  if (change === null) return unreadable('change is not an object', raw);
  const value = asObject(change.value);
  const field = asText(change.field) ?? '';
  if (value === null) return { phoneNumberId: null, field, items: [] };
  const phoneNumberId = asText(asObject(value.metadata)?.phone_number_id);
  const contacts = Array.isArray(value.contacts) ? value.contacts.map(asObject).filter((contact) => contact !== null) : [];
  const items = [
    ...eachItem(value, 'messages', (item) => parseInboundMessage(item, contacts)),
    ...eachItem(value, 'statuses', (item) => [parseStatus(item)]),
    ...eachItem(value, 'message_echoes', (item) => parseEcho(item, contacts)),
    ...eachItem(value, 'errors', (item) => [parseValueError(item)]),
  ];
  return { phoneNumberId, field, items };
}

/** Reads each element on its own, so one that throws costs only itself. */
function eachItem(value: JsonObject, key: string, read: (item: unknown) => WaItem[]): WaItem[] {
  const list = value[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [{ kind: 'invalid', reason: `value.${key} is not an array`, raw: list }];
  return list.flatMap((item) => {
    try {
      return read(item);
    } catch (error) {
      return [{ kind: 'invalid', reason: `${key}: ${error instanceof Error ? error.message : String(error)}`, raw: item }];
    }
  });
}
