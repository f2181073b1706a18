import type { Generated } from 'kysely';

/**
 * Storage types. Engine-neutral on purpose: times are epoch milliseconds (bigint), booleans are
 * 0/1 integers and JSON is text, so both engines store and sort identically. Repositories turn
 * rows into domain objects; nothing outside src/db sees these shapes.
 */
type Ms = number;
type Bool = number;
type Json = string;

export interface WorkspaceTable {
  id: string;
  name: string;
  created_at: Ms;
}

export interface ApiKeyTable {
  workspace_id: string;
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  client_id: string;
  client_secret_hash: string;
  created_at: Ms;
  last_used_at: Ms | null;
  revoked_at: Ms | null;
}

export interface IdempotencyKeyTable {
  workspace_id: string;
  api_key_id: string;
  route: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: Ms;
}

export interface InboxTable {
  workspace_id: string;
  id: string;
  name: string;
  inactivity_timeout_minutes: number;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
}

export interface ChannelTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  kind: string;
  name: string;
  config: Json;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
  status: string | null;
  last_error: string | null;
  last_error_at: Ms | null;
  last_webhook_at: Ms | null;
  phone_number_id: string | null;
}

export interface BotTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  channel_id: string | null;
  name: string;
  type: string;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
}

export interface RoleTable {
  workspace_id: string;
  id: string;
  name: string;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
}

export interface UserTable {
  workspace_id: string;
  id: string;
  name: string;
  email: string;
  email_key: string;
  image_url: string | null;
  role_id: string | null;
  contact: string | null;
  notification_sound: Bool;
  only_assigned_conversations: Bool;
  all_inboxes: Bool;
  last_inbox_used_id: string | null;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
  /** admin | agent */
  access: Generated<string>;
  /** scrypt, encoded by src/domain/passwords.ts; null until the user chooses one. */
  password_hash: Generated<string | null>;
}

export interface SessionTable {
  token_hash: string;
  workspace_id: string;
  user_id: string;
  created_at: Ms;
  last_seen_at: Ms;
  expires_at: Ms;
  revoked_at: Ms | null;
}

export interface UserInvitationTable {
  token_hash: string;
  workspace_id: string;
  user_id: string;
  created_at: Ms;
  expires_at: Ms;
  used_at: Ms | null;
}

export interface LoginFailureTable {
  email_key: string;
  id: string;
  failed_at: Ms;
}

export interface UserInboxTable {
  workspace_id: string;
  user_id: string;
  inbox_id: string;
}

export interface PersonTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  name: string | null;
  phone_number: string | null;
  email: string | null;
  image_url: string | null;
  document: string | null;
  description: string | null;
  country: string | null;
  city: string | null;
  is_blocked: Bool;
  reference_id: string | null;
  search_text: string;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
  bsuid: string | null;
}

export interface TagTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  name: string;
  color: string;
  modules: Json;
  created_at: Ms;
  updated_at: Ms;
}

export interface PersonTagTable {
  workspace_id: string;
  person_id: string;
  tag_id: string;
}
export interface ConversationTagTable {
  workspace_id: string;
  conversation_id: string;
  tag_id: string;
}

export interface GroupTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  channel_id: string;
  name: string;
  external_id: string | null;
  image_url: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface GroupMemberTable {
  workspace_id: string;
  group_id: string;
  person_id: string;
  is_member: Bool;
  updated_at: Ms;
}

export interface ConversationTable {
  workspace_id: string;
  id: string;
  inbox_id: string;
  channel_id: string;
  bot_id: string | null;
  person_id: string | null;
  group_id: string | null;
  is_group: Bool;
  status: string;
  priority: string;
  assignee_user_id: string | null;
  role_id: string | null;
  agent_id: string | null;
  is_fixed: Bool;
  is_archived: Bool;
  is_private: Bool;
  unread_count: number;
  last_message_id: string | null;
  last_message_at: Ms | null;
  last_activity_at: Ms;
  last_inbound_at: Ms | null;
  read_receipt_message_id: string | null;
  metadata: Json | null;
  search_text: string;
  created_at: Ms;
  updated_at: Ms;
}

/** Conversations per key, kept by triggers (migration 008); on PostgreSQL several rows of a key are summed. */
export interface ConversationCountTable {
  workspace_id: string;
  inbox_id: string;
  is_archived: Bool;
  status: string;
  is_group: Bool;
  n: number;
}

export interface ConversationAgentTable {
  workspace_id: string;
  conversation_id: string;
  user_id: string;
  first_at: Ms;
}

export interface SupportSessionTable {
  workspace_id: string;
  id: string;
  conversation_id: string;
  bot_id: string | null;
  person_id: string | null;
  state: string;
  start_at: Ms;
  end_at: Ms | null;
  ended_reason: string | null;
  initial_message: string | null;
  metadata: Json | null;
  assignment_type: string | null;
  assignment_target: string | null;
  redirect_payload: Json | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface MessageTable {
  workspace_id: string;
  id: string;
  conversation_id: string;
  type: string;
  direction: string;
  content: string | null;
  media_url: string | null;
  media_mime_type: string | null;
  media_file_name: string | null;
  media_caption: string | null;
  media_size: number | null;
  message_at: Ms;
  external_id: string | null;
  external_status: string | null;
  error_message: string | null;
  sender_person_id: string | null;
  sender_user_id: string | null;
  sender_bot_id: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  quoted_message_id: string | null;
  transcription: string | null;
  summary: string | null;
  metadata: Json | null;
  client_message_id: string | null;
  media_status: string | null;
  media_error: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface ScheduledMessageTable {
  workspace_id: string;
  id: string;
  conversation_id: string;
  user_id: string | null;
  type: string;
  content: string | null;
  media_url: string | null;
  media_mime_type: string | null;
  media_file_name: string | null;
  media_caption: string | null;
  media_size: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  quoted_message_id: string | null;
  metadata: Json | null;
  scheduled_at: Ms;
  status: string;
  sent_at: Ms | null;
  message_id: string | null;
  claimed_until: Ms | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface WebhookSubscriptionTable {
  workspace_id: string;
  id: string;
  dialect: string;
  name: string;
  description: string | null;
  url: string;
  secret: string;
  events: Json;
  is_active: Bool;
  headers: Json | null;
  auth_type: string | null;
  authorization: string | null;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
}

export interface EventTable {
  workspace_id: string;
  id: string;
  tx_id: Generated<number>;
  type: string;
  conversation_id: string | null;
  payload: Json;
  created_at: Ms;
}

export interface DeliveryTable {
  workspace_id: string;
  id: string;
  event_id: string;
  subscription_id: string;
  conversation_id: string | null;
  event_type: string;
  status: string;
  body: string;
  attempt_count: number;
  next_attempt_at: Ms;
  locked_until: Ms | null;
  status_code: number | null;
  response_body: string | null;
  error_message: string | null;
  duration_ms: number | null;
  created_at: Ms;
  updated_at: Ms;
  expires_at: Ms;
  /** When the claim still outstanding was made; null once recorded or released (migration 003). */
  claimed_at: Ms | null;
  /** Claim times (epoch ms, comma-separated) that ended without an outcome and are not yet in delivery_attempts. */
  interrupted_claims: string | null;
}

export interface DeliveryAttemptTable {
  workspace_id: string;
  id: string;
  delivery_id: string;
  attempted_at: Ms;
  status_code: number | null;
  response_body: string | null;
  error_message: string | null;
  duration_ms: number;
}

export interface ChannelInboundIdTable {
  workspace_id: string;
  channel_id: string;
  external_id: string;
  received_at: Ms;
}

export interface ChannelWebhookLogTable {
  workspace_id: string;
  id: string;
  channel_id: string;
  received_at: Ms;
  signature_valid: number;
  processed: number;
  body: string;
}

export interface WaitingStatusTable {
  workspace_id: string;
  channel_id: string;
  external_id: string;
  status: string;
  error_message: string | null;
  received_at: Ms;
}

export type ChannelJobKind = 'send' | 'media' | 'read';
export interface ChannelJobTable {
  workspace_id: string;
  id: string;
  channel_id: string;
  conversation_id: string;
  message_id: string;
  kind: ChannelJobKind;
  order_at: Ms;
  state: 'queued' | 'sending';
  attempt_count: number;
  next_attempt_at: Ms;
  locked_until: Ms | null;
  last_error: string | null;
  payload: string | null;
  created_at: Ms;
}

export interface SavedReplyTable {
  workspace_id: string;
  id: string;
  shortcut: string;
  text: string;
  created_at: Ms;
  updated_at: Ms;
  deleted_at: Ms | null;
}

export interface Database {
  saved_replies: SavedReplyTable;
  channel_inbound_ids: ChannelInboundIdTable;
  channel_webhook_log: ChannelWebhookLogTable;
  waiting_statuses: WaitingStatusTable;
  channel_jobs: ChannelJobTable;
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  idempotency_keys: IdempotencyKeyTable;
  inboxes: InboxTable;
  channels: ChannelTable;
  bots: BotTable;
  roles: RoleTable;
  users: UserTable;
  user_inboxes: UserInboxTable;
  sessions: SessionTable;
  user_invitations: UserInvitationTable;
  login_failures: LoginFailureTable;
  people: PersonTable;
  tags: TagTable;
  person_tags: PersonTagTable;
  conversation_tags: ConversationTagTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  conversations: ConversationTable;
  conversation_counts: ConversationCountTable;
  conversation_agents: ConversationAgentTable;
  support_sessions: SupportSessionTable;
  messages: MessageTable;
  scheduled_messages: ScheduledMessageTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  events: EventTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
}
