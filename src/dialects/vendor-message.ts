import { MEDIA_TYPES, type MessageOnPage } from '../domain/model.ts';

/**
 * A message as the vendor dialects show it: their documented type lists lack `unsupported` and
 * `template`, which show as text (whatsapp-channel.md §2.5), and their statuses lack `played`,
 * which shows as `read`.
 */
export function asVendorMessage<T extends MessageOnPage>(m: T): T {
  const status = m.externalStatus === 'played' ? 'read' : m.externalStatus;
  if (m.type === 'unsupported') {
    const original = typeof m.metadata?.originalType === 'string' ? m.metadata.originalType : 'unknown';
    return { ...m, type: 'text', content: `[unsupported: ${original}]`, externalStatus: status };
  }
  if (m.type === 'template') return { ...m, type: 'text', externalStatus: status };
  // The vendor shapes have no media field: a file's URL is its content, as for messages stored with
  // it. A WhatsApp file is fetched after the message is stored (§4), so its URL lives in media only.
  if (MEDIA_TYPES.includes(m.type) && m.media && m.media.url !== m.content) return { ...m, content: m.media.url, externalStatus: status };
  return status === m.externalStatus ? m : { ...m, externalStatus: status };
}
