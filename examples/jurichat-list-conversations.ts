// A JuriChat client: lists an inbox's conversations (page by page number), then reads one
// conversation's messages page by page, following nextCursor back in time.
//
//   CONVERSAS_URL=http://127.0.0.1:3001 CONVERSAS_API_KEY=cvs_live_… CONVERSAS_INBOX_ID=c… \
//     node --import tsx examples/jurichat-list-conversations.ts
//
// Optional: CONVERSAS_CONVERSATION_ID (default: the first one listed), CONVERSAS_PAGE_SIZE (default 20).
// Only `fetch` and the routes JuriChat documents are used.
import { realpathSync } from 'node:fs';

export interface JuriChatClient {
  baseUrl: string;
  apiKey: string;
}

export interface ConversationSummary {
  id: string;
  status: 'ROBOT_INTERACTIVE' | 'WAITING' | 'ACTIVE' | 'INACTIVE';
  person: { id: string; name: string | null; phoneNumber: string | null } | null;
  group: { id: string; name: string | null } | null;
  unreadCount: number;
  lastMessage: { id: string; content: string | null; type: string; messageAt: string } | null;
}

export interface Message {
  id: string;
  content: string | null;
  type: string;
  direction: 'INBOUND' | 'OUTBOUND';
  messageAt: string;
  formattedDate: string;
}

interface ConversationPage {
  data: { id: string; status: string; messages: Message[] };
  hasMore: boolean;
  nextCursor?: string;
}

/** GET a JuriChat route; throws with the server's message on anything but 2xx. */
async function juriChatGet<T>(client: JuriChatClient, path: string, query: Record<string, string | number | undefined>): Promise<T> {
  const url = new URL(`${client.baseUrl}${path}`);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  const response = await fetch(url, { headers: { 'X-JuriChat-Api-Key': client.apiKey } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok)
    throw new Error(`GET ${url.pathname} answered ${response.status}: ${(body as { message?: string } | null)?.message ?? response.statusText}`);
  return body as T;
}

/** Every conversation of the inbox: `GET /conversation?inboxId=…&page=N` until `totalPages`. */
export async function listConversations(client: JuriChatClient, inboxId: string, pageSize = 20): Promise<ConversationSummary[]> {
  const conversations: ConversationSummary[] = [];
  for (let page = 1; ; page++) {
    const answer = await juriChatGet<{ data: ConversationSummary[]; totalPages: number }>(client, '/conversation', { inboxId, page, limit: pageSize });
    conversations.push(...answer.data);
    if (page >= answer.totalPages) return conversations;
  }
}

/**
 * The whole history of one conversation, oldest first. The first page holds the newest messages;
 * each `nextCursor` leads to the page just older, until `hasMore` is false. Within a page the
 * messages are already oldest first, so the pages are put together in reverse.
 */
export async function readAllMessages(
  client: JuriChatClient,
  conversationId: string,
  pageSize = 50,
  onPage: (messages: Message[], pageNumber: number) => void = () => {},
): Promise<{ messages: Message[]; pages: number }> {
  const pages: Message[][] = [];
  let cursor: string | undefined;
  do {
    const page = await juriChatGet<ConversationPage>(client, `/conversation/${conversationId}`, { cursor, limit: pageSize });
    pages.push(page.data.messages);
    onPage(page.data.messages, pages.length);
    cursor = page.hasMore ? page.nextCursor : undefined;
  } while (cursor);
  return { messages: pages.reverse().flat(), pages: pages.length };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/README.md).`);
  return value;
}

async function main(): Promise<void> {
  const client = { baseUrl: process.env.CONVERSAS_URL || 'http://127.0.0.1:3001', apiKey: requiredEnv('CONVERSAS_API_KEY') };
  const inboxId = requiredEnv('CONVERSAS_INBOX_ID');
  const pageSize = Number(process.env.CONVERSAS_PAGE_SIZE || 20);

  const conversations = await listConversations(client, inboxId, pageSize);
  console.log(`Inbox ${inboxId} has ${conversations.length} conversation(s):`);
  for (const c of conversations) {
    const who = c.person ? `${c.person.name ?? '(no name)'} +${c.person.phoneNumber}` : `group ${c.group?.name ?? c.group?.id}`;
    console.log(`  ${c.id}  ${c.status.padEnd(17)}  ${who}  unread ${c.unreadCount}  last: ${c.lastMessage?.content ?? '—'}`);
  }

  const conversationId = process.env.CONVERSAS_CONVERSATION_ID || conversations[0]?.id;
  if (!conversationId) {
    console.log('No conversation to read yet: send a sandbox message first (the curl command `npm start` printed).');
    return;
  }
  console.log(`\nReading conversation ${conversationId}, ${pageSize} messages a page, newest page first:`);
  const { messages, pages } = await readAllMessages(client, conversationId, pageSize, (page, n) => {
    console.log(`  page ${n}: ${page.length} message(s)${page.length > 0 ? `, ${page[0].formattedDate} … ${page[page.length - 1].formattedDate}` : ''}`);
  });
  console.log(`\nRead ${messages.length} message(s) in ${pages} page(s), oldest first:`);
  for (const m of messages)
    console.log(`  ${m.formattedDate}  ${m.direction === 'INBOUND' ? '←' : '→'} ${m.type === 'text' ? m.content : `[${m.type}] ${m.content}`}`);
}

// Run as a script (not when imported, as the test does).
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
