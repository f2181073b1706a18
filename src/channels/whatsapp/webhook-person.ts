import { type JsonObject, asObject, asPhone, asText } from './json-fields.ts';
import { phoneVariants } from './phone-variants.ts';
import type { WaPerson } from './webhook-types.ts';

/**
 * The person a message names by phone and/or BSUID, completed from `value.contacts`: the contact
 * with the same `user_id`, else the same `wa_id` (any ninth-digit form). Returns null when nothing
 * identifies anyone.
 */
export function resolvePerson(phoneField: unknown, userIdField: unknown, contacts: JsonObject[]): WaPerson | null {
  const phone = asPhone(phoneField);
  const userId = asText(userIdField);
  const contact = matchingContact(phone, userId, contacts);
  const profile = asObject(contact?.profile);
  const person: WaPerson = {
    phone: phone ?? asPhone(contact?.wa_id),
    userId: userId ?? asText(contact?.user_id),
    name: asText(profile?.name),
    username: asText(profile?.username),
  };
  return person.phone === null && person.userId === null ? null : person;
}

function matchingContact(phone: string | null, userId: string | null, contacts: JsonObject[]): JsonObject | null {
  if (userId !== null) {
    const byUserId = contacts.find((contact) => asText(contact.user_id) === userId);
    if (byUserId) return byUserId;
  }
  if (phone !== null) {
    const variants = phoneVariants(phone);
    const byPhone = contacts.find((contact) => variants.includes(asPhone(contact.wa_id) ?? ''));
    if (byPhone) return byPhone;
  }
  // A message that names nobody (should not happen) can still belong to the only contact listed.
  if (phone === null && userId === null && contacts.length === 1) return contacts[0];
  return null;
}
