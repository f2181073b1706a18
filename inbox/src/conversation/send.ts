import { ApiError, api, type Message } from '../api.ts';
import { messages } from '../messages-state.ts';
import { session } from '../state.ts';

/** Sending from the composer: text, a file (multipart, with upload progress) or a WhatsApp template. */

export interface SendOptions {
  /** An internal note: only agents see it. */
  internal?: boolean;
  /** The message this one replies to. */
  quotedMessageId?: string | null;
}

const url = (conversationId: string) => `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`;

function common(clientMessageId: string, options: SendOptions): Record<string, string | boolean> {
  const fields: Record<string, string | boolean> = { clientMessageId };
  const userId = session.value?.user.id;
  if (userId) fields.senderUserId = userId;
  if (options.internal) fields.internal = true;
  if (options.quotedMessageId) fields.quotedMessageId = options.quotedMessageId;
  return fields;
}

/** The sent message in its conversation's log (the event stream may have brought it first). */
function remember(sent: Message): void {
  const current = messages.value[sent.conversationId] ?? [];
  if (!current.some((m) => m.id === sent.id)) messages.value = { ...messages.value, [sent.conversationId]: [...current, sent] };
}

export async function sendText(conversationId: string, text: string, clientMessageId: string, options: SendOptions = {}): Promise<Message> {
  const sent = await api<Message>('POST', url(conversationId), { type: 'text', message: text, ...common(clientMessageId, options) });
  remember(sent);
  return sent;
}

/** What a file is sent as, from its MIME type. */
export function mediaTypeOf(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}

/**
 * A file as multipart/form-data (XMLHttpRequest: fetch cannot report upload progress). `onProgress`
 * gets 0…1; throws ApiError with the server's message (413 when the file is over its limit), status 0 offline.
 */
export function sendFile(
  conversationId: string,
  file: File,
  caption: string | null,
  clientMessageId: string,
  options: SendOptions,
  onProgress: (fraction: number) => void,
): Promise<Message> {
  const form = new FormData();
  form.append('type', mediaTypeOf(file.type));
  for (const [name, value] of Object.entries(common(clientMessageId, options))) form.append(name, String(value));
  if (caption) form.append('caption', caption);
  if (file.type) form.append('mimeType', file.type);
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url(conversationId));
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    request.onload = () => {
      let json: unknown = null;
      try {
        json = request.responseText ? JSON.parse(request.responseText) : null;
      } catch {
        json = null;
      }
      if (request.status >= 200 && request.status < 300) {
        const sent = json as Message;
        remember(sent);
        resolve(sent);
        return;
      }
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      reject(new ApiError(request.status, error?.code ?? null, error?.message ?? request.statusText));
    };
    request.send(form);
  });
}

/** A WhatsApp template as Meta lists it (the fields the composer reads). */
export interface Template {
  name: string;
  language: string;
  status?: string;
  category?: string;
  components?: { type?: string; text?: string }[];
}

/** A template message: allowed outside the 24-hour window. Templates with parameters are sent without them. */
export async function sendTemplate(conversationId: string, template: Template, clientMessageId: string): Promise<Message> {
  const sent = await api<Message>('POST', url(conversationId), {
    type: 'template',
    template: { name: template.name, language: { code: template.language } },
    ...common(clientMessageId, {}),
  });
  remember(sent);
  return sent;
}
