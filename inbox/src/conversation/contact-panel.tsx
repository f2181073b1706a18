import type { Conversation } from '../api.ts';

/** The person's details (editable), tags and other conversations: not built yet. */
export function ContactPanel(_props: { conversation: Conversation | undefined }) {
  return null;
}
