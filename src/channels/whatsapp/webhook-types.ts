/** What one Meta webhook POST says, read into plain values (spec whatsapp-channel.md §2). */

/** One `entry[].changes[]` element: its items in the order Meta listed them. */
export interface WaChange {
  phoneNumberId: string | null;
  field: string;
  items: WaItem[];
}

/** A WhatsApp user as one message names them; either `phone` or `userId` is set. */
export interface WaPerson {
  /** Digits only, no `+`. Absent for username users Meta will not disclose (vendor notes §7.6). */
  phone: string | null;
  /** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  userId: string | null;
  /** Profile name from `value.contacts`, matched by `wa_id` or `user_id`. */
  name: string | null;
  username: string | null;
}

export interface WaMedia {
  /** Meta's media id, to be fetched with `GET /{mediaId}`. */
  id: string;
  mimeType: string | null;
  sha256: string | null;
  caption: string | null;
  fileName: string | null;
  voice: boolean;
}

export type WaContentType = 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact' | 'unsupported';

/** A message's body in Conversas terms (the type table of spec §2 rule 5). */
export interface WaContent {
  type: WaContentType;
  content: string | null;
  media: WaMedia | null;
  contact: { name: string | null; phoneNumber: string | null } | null;
  metadata: Record<string, unknown> | null;
}

export interface WaError {
  code: number | null;
  title: string;
  message: string | null;
}

export type WaStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export type WaSystemChange =
  | { type: 'user_changed_number'; newPhone: string | null }
  | { type: 'user_changed_user_id'; newUserId: string | null }
  | { type: 'other'; systemType: string };

export type WaItem =
  | {
      kind: 'message';
      externalId: string;
      wamid: string;
      from: WaPerson;
      groupId: string | null;
      timestamp: number;
      body: WaContent;
      contextWamid: string | null;
    }
  | { kind: 'reaction'; wamid: string; from: WaPerson; groupId: string | null; timestamp: number; targetWamid: string; emoji: string | null }
  | { kind: 'system'; wamid: string; from: WaPerson; timestamp: number; change: WaSystemChange; text: string }
  | {
      kind: 'status';
      wamid: string;
      status: WaStatus;
      timestamp: number;
      recipientPhone: string | null;
      recipientUserId: string | null;
      bizOpaqueCallbackData: string | null;
      errors: WaError[];
    }
  | { kind: 'echo'; externalId: string; wamid: string; to: WaPerson; timestamp: number; body: WaContent; contextWamid: string | null }
  | { kind: 'error'; code: number | null; title: string; message: string | null; details: string | null }
  | { kind: 'invalid'; reason: string; raw: unknown };
