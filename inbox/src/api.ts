/** The native API as the inbox uses it: same origin, the session cookie, JSON. */

export interface User {
  id: string;
  name?: string | null;
  email?: string | null;
  access?: 'admin' | 'agent';
}
export interface Workspace {
  id: string;
  name?: string | null;
}
export interface Session {
  user: User;
  workspace: Workspace;
}
export type ConversationStatus = 'ROBOT_INTERACTIVE' | 'WAITING' | 'ACTIVE' | 'INACTIVE';
export interface Conversation {
  id: string;
  inboxId: string;
  personId: string | null;
  groupId: string | null;
  isGroup: boolean;
  status: ConversationStatus;
  assigneeUserId: string | null;
  unreadCount: number;
  lastMessageAt: string | null;
  lastActivityAt: string;
  channelId?: string;
  roleId?: string | null;
  isFixed?: boolean;
  tagIds?: string[];
  priority?: 'LOW' | 'MEDIUM' | 'HIGH';
  updatedAt?: string;
  /** When the channel's 24-hour window closes (past: closed); null without a window. */
  serviceWindowClosesAt?: string | null;
  isArchived?: boolean;
  /** The person summary the list and get routes answer with (events carry none). */
  person?: Person | null;
}
export interface Person {
  id: string;
  name: string | null;
  phoneNumber: string | null;
  inboxId?: string;
  email?: string | null;
  document?: string | null;
  description?: string | null;
  country?: string | null;
  city?: string | null;
  tagIds?: string[];
}
export interface Tag {
  id: string;
  inboxId: string;
  name: string;
  color: string;
}
export interface Named {
  id: string;
  name: string;
}
export interface Channel extends Named {
  inboxId: string;
  kind: string;
}
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';
export interface Message {
  id: string;
  conversationId: string;
  type: string;
  direction: 'INBOUND' | 'OUTBOUND' | 'INTERNAL';
  content: string | null;
  media: MessageMedia | null;
  messageAt: string;
  externalStatus: DeliveryState | null;
  errorMessage: string | null;
  clientMessageId: string | null;
  senderUserId?: string | null;
  senderBotId?: string | null;
  contact?: { name: string | null; phoneNumber: string | null } | null;
  quotedMessageId?: string | null;
  /** Channel extras: `location`, `reactions`, `forwarded`, `system` (a system event), `reply`, `originalType`… */
  metadata?: Record<string, unknown> | null;
  updatedAt?: string;
}
export interface MessageMedia {
  /** Null while the channel's file is being fetched. */
  url: string | null;
  fileName: string | null;
  mimeType: string | null;
  caption?: string | null;
  size?: number | null;
  status?: 'pending' | 'ready' | 'failed' | null;
  error?: string | null;
}
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ErrorDetails {
  reason?: string;
  fields?: Record<string, string[]>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  /** The native error's `details`: `reason`, and `fields` (field → messages) for validation errors. */
  readonly details: ErrorDetails;
  constructor(status: number, code: string | null, message: string, details: ErrorDetails = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The specific cause (`details.reason`: `shortcut_taken`, `last_admin`, `wrong_password`…). */
  get reason(): string | null {
    return this.details.reason ?? null;
  }
  /** Offending field → messages (`details.fields`). */
  get fields(): Record<string, string[]> {
    return this.details.fields ?? {};
  }
}

/** Called when a request other than the auth calls answers 401: the session ended (expired, revoked, signed out elsewhere). */
export const onSessionEnded: { handler: () => void } = { handler: () => {} };

/** A request to the API; throws ApiError (status 0 when the server could not be reached). */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', (error as Error).message);
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) onSessionEnded.handler();
    const error = (json as { error?: { code?: string; message?: string; details?: ErrorDetails } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? null, error?.message ?? response.statusText, error?.details ?? {});
  }
  return json as T;
}

/** A client id for a sent message, so a retried send is not sent twice. */
export function clientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
