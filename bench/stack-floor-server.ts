/**
 * R1's stack floor: the reference's work (reference-page.ts: the same queries, the same page built
 * as object literals) done with the stack the server must use — Fastify 5 with TypeBox schemas
 * validating the path and query and serialising the answer, pino at the server's level, and Kysely
 * over the server's own PostgreSQL pool (named prepared statements, rows of fixed shape). No
 * domain, no dialect, no hooks but the key check. The server's req/s cannot be expected above this
 * one's: the gap between it and the reference is what the decided stack costs on this machine.
 * Env: FLOOR_DATABASE_URL (postgres://…), PORT (0 = free). Prints "stack floor listening on http://…".
 */
import { Type } from '@fastify/type-provider-typebox';
import { CompiledQuery } from 'kysely';
import { openStore } from '../src/db/connect.ts';
import { Cuid } from '../src/dialects/jurichat/schemas.ts';
import { Detail } from '../src/dialects/jurichat/routes/conversations.ts';
import { failure, stackFloorApp, workspaceOf } from './stack-floor-app.ts';
import { type AgentRow, type ConversationRow, decodeCursor, type MemberRow, type MessageRow, numbered, pageBody, SQL, type TagRow } from './reference-page.ts';

const url = process.env.FLOOR_DATABASE_URL;
if (!url?.startsWith('postgres')) throw new Error('FLOOR_DATABASE_URL must be a postgres:// URL');
const { db } = openStore(url);

const statement = (text: string) => {
  const sql = numbered(text);
  return async <R>(values: unknown[]): Promise<R[]> => (await db.executeQuery<R>(CompiledQuery.raw(sql, values))).rows;
};
const key = statement(SQL.key);
const conversation = statement(SQL.conversation);
const firstPage = statement(SQL.messages(false));
const olderPage = statement(SQL.messages(true));
const tags = statement(SQL.tags);
const agents = statement(SQL.agents);
const members = statement(SQL.members);

const app = stackFloorApp(
  'warn',
  (request) => {
    const apiKey = request.headers['x-jurichat-api-key'];
    return typeof apiKey === 'string' ? apiKey : null;
  },
  async (hash) => (await key<{ workspace_id: string }>([hash]))[0]?.workspace_id,
);
app.get(
  '/conversation/:conversationId',
  {
    schema: {
      params: Type.Object({ conversationId: Cuid }),
      querystring: Type.Object({
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      }),
      response: { 200: Detail },
    },
  },
  async (request) => {
    const ws = workspaceOf(request);
    const limit = request.query.limit ?? 50;
    const before = request.query.cursor ? decodeCursor(request.query.cursor) : null;
    if (request.query.cursor && !before) throw failure(400, 'cursor is not a valid cursor');
    const c = (await conversation<ConversationRow>([ws, request.params.conversationId]))[0];
    if (!c) throw failure(404, `conversation ${request.params.conversationId} not found`);
    const [rows, tagRows, agentRows, memberRows] = await Promise.all([
      before ? olderPage<MessageRow>([ws, c.id, before[0], before[0], before[1], limit + 1]) : firstPage<MessageRow>([ws, c.id, limit + 1]),
      tags<TagRow>([ws, c.id]),
      agents<AgentRow>([ws, c.id]),
      c.group_id ? members<MemberRow>([ws, c.group_id]) : [],
    ]);
    // The reference's row types allow a null user name, which a user never has; the response schema states the page's shape.
    return pageBody(c, rows, tagRows, agentRows, memberRows, limit) as never;
  },
);
app.server.keepAliveTimeout = 72_000;
const origin = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`stack floor listening on ${origin}\n`);
process.on('SIGTERM', () => process.exit(0));
