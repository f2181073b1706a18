/**
 * What R1's reference servers share: the SQL of the reference's queries, the rows they return, and
 * the JuriChat conversation page built from them as object literals (reference-server.ts on
 * node:http, stack-floor-server.ts on Fastify and Kysely).
 */

export interface ConversationRow {
  id: string;
  status: string;
  priority: string;
  person_id: string | null;
  group_id: string | null;
  is_group: number;
  assignee_user_id: string | null;
  inbox_id: string;
  created_at: number;
  updated_at: number;
  p_id: string | null;
  p_name: string | null;
  p_phone: string | null;
  p_image: string | null;
  u_id: string | null;
  u_name: string | null;
  u_image: string | null;
  g_id: string | null;
  g_name: string | null;
  g_external_id: string | null;
  g_image: string | null;
}
export interface MessageRow {
  id: string;
  content: string | null;
  type: string;
  direction: string;
  message_at: number;
  external_id: string | null;
  external_status: string | null;
  error_message: string | null;
  sender_user_id: string | null;
  sender_person_id: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  transcription: string | null;
  summary: string | null;
  metadata: string | null;
  q_id: string | null;
  q_content: string | null;
  q_at: number | null;
}
export interface TagRow {
  id: string;
  name: string;
  color: string;
}
export interface AgentRow {
  id: string;
  name: string;
  image_url: string | null;
  contact: string | null;
}
export interface MemberRow {
  id: string;
  name: string | null;
  image_url: string | null;
  phone_number: string | null;
  is_member: number;
}

export interface Queries {
  workspaceOfKey(hash: string): Promise<string | undefined> | string | undefined;
  conversation(ws: string, id: string): Promise<ConversationRow | undefined> | ConversationRow | undefined;
  messages(ws: string, id: string, before: [number, string] | null, limit: number): Promise<MessageRow[]> | MessageRow[];
  tags(ws: string, id: string): Promise<TagRow[]> | TagRow[];
  agents(ws: string, id: string): Promise<AgentRow[]> | AgentRow[];
  members(ws: string, groupId: string): Promise<MemberRow[]> | MemberRow[];
}

/** A statement of `SQL` with PostgreSQL's numbered placeholders ($1, $2, …) for its `?`. */
export function numbered(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

export const SQL = {
  key: 'select workspace_id from api_keys where key_hash = ? and revoked_at is null',
  conversation: `select c.id, c.status, c.priority, c.person_id, c.group_id, c.is_group, c.assignee_user_id, c.inbox_id, c.created_at, c.updated_at,
      p.id as p_id, p.name as p_name, p.phone_number as p_phone, p.image_url as p_image,
      u.id as u_id, u.name as u_name, u.image_url as u_image,
      g.id as g_id, g.name as g_name, g.external_id as g_external_id, g.image_url as g_image
    from conversations c
    left join people p on p.workspace_id = c.workspace_id and p.id = c.person_id
    left join users u on u.workspace_id = c.workspace_id and u.id = c.assignee_user_id
    left join groups g on g.workspace_id = c.workspace_id and g.id = c.group_id
    where c.workspace_id = ? and c.id = ?`,
  messages: (cursor: boolean) => `select m.id, m.content, m.type, m.direction, m.message_at, m.external_id, m.external_status, m.error_message,
      m.sender_user_id, m.sender_person_id, m.contact_name, m.contact_phone, m.transcription, m.summary, m.metadata,
      q.id as q_id, q.content as q_content, q.message_at as q_at
    from messages m left join messages q on q.workspace_id = m.workspace_id and q.id = m.quoted_message_id
    where m.workspace_id = ? and m.conversation_id = ? and m.direction <> 'INTERNAL'
    ${cursor ? 'and (m.message_at < ? or (m.message_at = ? and m.id < ?))' : ''}
    order by m.message_at desc, m.id desc limit ?`,
  tags: `select t.id, t.name, t.color from conversation_tags ct join tags t on t.workspace_id = ct.workspace_id and t.id = ct.tag_id
    where ct.workspace_id = ? and ct.conversation_id = ? order by t.name`,
  agents: `select u.id, u.name, u.image_url, u.contact from conversation_agents ca join users u on u.workspace_id = ca.workspace_id and u.id = ca.user_id
    where ca.workspace_id = ? and ca.conversation_id = ? order by ca.first_at`,
  members: `select p.id, p.name, p.image_url, p.phone_number, gm.is_member from group_members gm
    join people p on p.workspace_id = gm.workspace_id and p.id = gm.person_id where gm.workspace_id = ? and gm.group_id = ? order by p.id`,
};

const SAO_PAULO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/Sao_Paulo',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const formattedByMinute = new Map<number, string>();
export function formattedDate(ms: number): string {
  const minute = Math.floor(ms / 60000);
  let text = formattedByMinute.get(minute);
  if (text === undefined) {
    const p: Record<string, string> = {};
    for (const part of SAO_PAULO.formatToParts(new Date(minute * 60000))) p[part.type] = part.value;
    text = `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
    formattedByMinute.set(minute, text);
  }
  return text;
}

export const ID = /^[cC][^\s-]{8,}$/;

export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 2 && Number.isSafeInteger(parts[0]) && typeof parts[1] === 'string') return [parts[0] as number, parts[1]];
  } catch {
    /* a 400 below */
  }
  return null;
}

/** The page's JSON body (JuriChat's GET /conversation/{id}) from the reference's rows. */
export function pageBody(c: ConversationRow, rows: MessageRow[], tags: TagRow[], agents: AgentRow[], members: MemberRow[], limit: number) {
  const isGroup = c.is_group === 1;
  const hasMore = rows.length > limit;
  const count = hasMore ? limit : rows.length;
  const messages = new Array(count);
  for (let i = 0; i < count; i++) {
    const m = rows[count - 1 - i]!;
    messages[i] = {
      id: m.id,
      content: m.content,
      type: m.type,
      direction: m.direction,
      messageAt: new Date(m.message_at).toISOString(),
      externalId: m.external_id,
      externalStatus: m.external_status,
      errorMessage: m.error_message,
      participantId: m.sender_user_id ?? (isGroup ? m.sender_person_id : null),
      formattedDate: formattedDate(m.message_at),
      contact: m.contact_name === null && m.contact_phone === null ? null : { name: m.contact_name, phoneNumber: m.contact_phone },
      quotedMessage: m.q_id === null ? null : { id: m.q_id, content: m.q_content, formattedDate: formattedDate(m.q_at!) },
      transcription: m.transcription,
      summary: m.summary,
      metadata: m.metadata === null ? null : JSON.parse(m.metadata),
    };
  }
  const participants = [];
  if (c.group_id) {
    for (const p of members)
      participants.push({ id: p.id, name: p.name, isAgent: false, isMember: p.is_member === 1, imageUrl: p.image_url, phoneNumber: p.phone_number });
  } else if (c.p_id !== null) {
    participants.push({ id: c.p_id, name: c.p_name, isAgent: false, isMember: true, imageUrl: c.p_image, phoneNumber: c.p_phone });
  }
  for (const a of agents)
    participants.push({ id: a.id, name: a.name, isAgent: true, isMember: a.id === c.assignee_user_id, imageUrl: a.image_url, phoneNumber: a.contact });
  const oldest = rows[count - 1];
  return {
    data: {
      id: c.id,
      status: c.status,
      priority: c.priority,
      person: c.p_id === null ? null : { id: c.p_id, name: c.p_name, phoneNumber: c.p_phone, imageUrl: c.p_image },
      user: c.u_id === null ? null : { id: c.u_id, name: c.u_name, imageUrl: c.u_image },
      tags: tags.map((t) => ({ id: t.id, name: t.name, color: t.color })),
      participants,
      messages,
      isGroup,
      group: c.g_id === null ? null : { id: c.g_id, name: c.g_name, externalId: c.g_external_id, imageUrl: c.g_image },
      inboxId: c.inbox_id,
      createdAt: new Date(c.created_at).toISOString(),
      updatedAt: new Date(c.updated_at).toISOString(),
    },
    hasMore,
    nextCursor: hasMore && oldest ? Buffer.from(JSON.stringify([oldest.message_at, oldest.id]), 'utf8').toString('base64url') : undefined,
  };
}
