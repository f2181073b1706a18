/**
 * R1's reference: the least a server can do to answer JuriChat's GET /conversation/{id} with the
 * same JSON as Conversas — plain node:http, the same database (read-only), prepared statements
 * (one for the page of messages, with its quoted messages joined; a few small look-ups for the
 * rest of the answer), objects built as literals and JSON.stringify. No framework, no validation
 * library, no logging. Env: REFERENCE_DATABASE_URL (sqlite:… or postgres://…), PORT (0 = free).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  type AgentRow,
  type ConversationRow,
  decodeCursor,
  ID,
  type MemberRow,
  type MessageRow,
  numbered,
  pageBody,
  type Queries,
  SQL,
  type TagRow,
} from './reference-page.ts';

function sqliteQueries(path: string): Queries {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const key = db.prepare<[string], { workspace_id: string }>(SQL.key);
  const conversation = db.prepare<[string, string], ConversationRow>(SQL.conversation);
  const firstPage = db.prepare<[string, string, number], MessageRow>(SQL.messages(false));
  const olderPage = db.prepare<[string, string, number, number, string, number], MessageRow>(SQL.messages(true));
  const tags = db.prepare<[string, string], TagRow>(SQL.tags);
  const agents = db.prepare<[string, string], AgentRow>(SQL.agents);
  const members = db.prepare<[string, string], MemberRow>(SQL.members);
  return {
    workspaceOfKey: (hash) => key.get(hash)?.workspace_id,
    conversation: (ws, id) => conversation.get(ws, id),
    messages: (ws, id, before, limit) => (before ? olderPage.all(ws, id, before[0], before[0], before[1], limit) : firstPage.all(ws, id, limit)),
    tags: (ws, id) => tags.all(ws, id),
    agents: (ws, id) => agents.all(ws, id),
    members: (ws, groupId) => members.all(ws, groupId),
  };
}

function postgresQueries(url: string): Queries {
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Named statements are prepared once per connection.
  const statement = (name: string, text: string) => {
    const prepared = numbered(text);
    return async <R>(values: unknown[]): Promise<R[]> => (await pool.query({ name, text: prepared, values })).rows as R[];
  };
  const key = statement('ref_key', SQL.key);
  const conversation = statement('ref_conversation', SQL.conversation);
  const firstPage = statement('ref_first_page', SQL.messages(false));
  const olderPage = statement('ref_older_page', SQL.messages(true));
  const tags = statement('ref_tags', SQL.tags);
  const agents = statement('ref_agents', SQL.agents);
  const members = statement('ref_members', SQL.members);
  return {
    workspaceOfKey: async (hash) => (await key<{ workspace_id: string }>([hash]))[0]?.workspace_id,
    conversation: async (ws, id) => (await conversation<ConversationRow>([ws, id]))[0],
    messages: (ws, id, before, limit) =>
      before ? olderPage<MessageRow>([ws, id, before[0], before[0], before[1], limit]) : firstPage<MessageRow>([ws, id, limit]),
    tags: (ws, id) => tags<TagRow>([ws, id]),
    agents: (ws, id) => agents<AgentRow>([ws, id]),
    members: (ws, groupId) => members<MemberRow>([ws, groupId]),
  };
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, JSON.stringify({ statusCode: status, error, message }));
}

async function conversationPage(q: Queries, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  if (req.method !== 'GET' || !path.startsWith('/conversation/')) return sendError(res, 404, 'Not Found', `Route ${req.method}:${path} not found`);
  const key = req.headers['x-jurichat-api-key'];
  const ws = typeof key === 'string' ? await q.workspaceOfKey(createHash('sha256').update(key, 'utf8').digest('hex')) : undefined;
  if (!ws) return sendError(res, 401, 'Unauthorized', 'Invalid or missing API key');
  const id = path.slice('/conversation/'.length);
  if (!ID.test(id)) return sendError(res, 400, 'Bad Request', 'params/conversationId must match pattern');
  const params = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  const limit = params.has('limit') ? Number(params.get('limit')) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return sendError(res, 400, 'Bad Request', 'querystring/limit must be 1…100');
  const cursor = params.get('cursor');
  const before = cursor ? decodeCursor(cursor) : null;
  if (cursor && !before) return sendError(res, 400, 'Bad Request', 'cursor is not a valid cursor');

  const c = await q.conversation(ws, id);
  if (!c) return sendError(res, 404, 'Not Found', `conversation ${id} not found`);
  const [rows, tags, agents, members] = await Promise.all([
    q.messages(ws, c.id, before, limit + 1),
    q.tags(ws, c.id),
    q.agents(ws, c.id),
    c.group_id ? q.members(ws, c.group_id) : [],
  ]);
  sendJson(res, 200, JSON.stringify(pageBody(c, rows, tags, agents, members, limit)));
}

const url = process.env.REFERENCE_DATABASE_URL;
if (!url) throw new Error('REFERENCE_DATABASE_URL is required');
const queries = url.startsWith('sqlite:') ? sqliteQueries(url.slice('sqlite:'.length)) : postgresQueries(url);
const server = createServer((req, res) => {
  conversationPage(queries, req, res).catch((error: Error) => sendError(res, 500, 'Internal Server Error', error.message));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`reference server listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
