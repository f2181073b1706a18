import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readEventFeed } from '../../../db/repos/events.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { Nullable } from '../schemas.ts';
import { EventShape, presentEvent } from '../events.ts';

export async function eventRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/events',
    {
      // The presenters build each payload field by field; a union schema would cost Ajv checks per event to pick a branch.
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        operationId: 'listEvents',
        tags: ['events'],
        summary: "The workspace's events in commit order; pass the last `nextCursor` as `after` to catch up",
        description:
          "Each event's `payload` holds the objects it describes exactly as the REST routes answer them (ISO 8601 times, no workspace id), plus `actor` and the previous values its type names; one shape per `type`.",
        querystring: Type.Object(
          {
            after: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
            types: Type.Optional(Type.String({ maxLength: 1000, description: 'comma-separated event types' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(EventShape), nextCursor: Nullable(Type.String()) }) },
      },
    },
    async (request) => {
      const { after, types, limit = 50 } = request.query;
      const position = after ? (([txId, id]) => ({ txId, id }))(decodeCursor(after, ['number', 'string'], 'after')) : null;
      const typeList = types
        ? types
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : null;
      const { events } = await readEventFeed(app.ctx.db, app.ctx.engine, request.principal!.workspaceId, position, typeList, limit);
      const data = events.map((e) => presentEvent(e, encodeCursor([e.position.txId, e.position.id])));
      // The cursor to resume from: the last event seen, or where the caller already was.
      return { data, nextCursor: data.length > 0 ? data[data.length - 1].cursor : (after ?? null) };
    },
  );
}
