import type { Message } from '../domain/model.ts';

/**
 * A message as the vendor dialects show it: their documented type lists lack `unsupported` and
 * `template`, which show as text (whatsapp-channel.md §2.5), and their statuses lack `played`,
 * which shows as `read`.
 */
export function asVendorMessage(m: Message): Message {
  const status = m.externalStatus === 'played' ? 'read' : m.externalStatus;
  if (m.type === 'unsupported') {
    const original = typeof m.metadata?.originalType === 'string' ? m.metadata.originalType : 'unknown';
    return { ...m, type: 'text', content: `[unsupported: ${original}]`, externalStatus: status };
  }
  if (m.type === 'template') return { ...m, type: 'text', externalStatus: status };
  return status === m.externalStatus ? m : { ...m, externalStatus: status };
}
