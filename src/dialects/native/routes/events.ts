import { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readEventFeed } from '../../../db/repos/events.ts';
import { decodeCursor, encodeCursor } from '../../../http/cursor.ts';
import { Nullable } from '../schemas.ts';
import { EventShape, presentEvent } from '../events.ts';
import type { PositionedEvent } from '../../../events/feed-follower.ts';
import { DEFAULT_HEARTBEAT_MS, STREAM_HEADERS, serveEventStream } from '../../../events/event-stream.ts';

const TypesParameter = Type.String({ maxLength: 1000, description: 'comma-separated event types' });

/** `types=a,b` as a list; null when absent or empty (every type). */
function typeListOf(types: string | undefined): string[] | null {
  const list = (types ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return list.length > 0 ? list : null;
}

/** A cursor of the feed (`after`, `Last-Event-ID`) as its position; a 400 naming `field` when it is not one. */
function positionOf(cursor: string, field: string) {
  const [txId, id] = decodeCursor(cursor, ['number', 'string'], field);
  return { txId, id };
}

/**
 * An event's SSE `id:` and `data:`. The follower hands every open stream of a workspace the same
 * event objects, so each is presented once however many streams carry it.
 */
const frames = new WeakMap<PositionedEvent, { id: string; data: string }>();
function framed(event: PositionedEvent): { id: string; data: string } {
  let frame = frames.get(event);
  if (!frame) {
    const cursor = encodeCursor([event.position.txId, event.position.id]);
    frame = { id: cursor, data: JSON.stringify(presentEvent(event, cursor)) };
    frames.set(event, frame);
  }
  return frame;
}

/** Fastify's inject has no socket: a stream there sends its catch-up and ends. */
const hasRealSocket = (request: FastifyRequest) => request.raw.socket instanceof Socket;

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
            types: Type.Optional(TypesParameter),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(EventShape), nextCursor: Nullable(Type.String()) }) },
      },
    },
    async (request) => {
      const { after, types, limit = 50 } = request.query;
      const position = after ? positionOf(after, 'after') : null;
      const typeList = typeListOf(types);
      const { events } = await readEventFeed(app.ctx.db, app.ctx.engine, request.principal!.workspaceId, position, typeList, limit);
      const data = events.map((e) => presentEvent(e, encodeCursor([e.position.txId, e.position.id])));
      // The cursor to resume from: the last event seen, or where the caller already was.
      return { data, nextCursor: data.length > 0 ? data[data.length - 1].cursor : (after ?? null) };
    },
  );

  app.get(
    '/events/stream',
    {
      schema: {
        operationId: 'streamEvents',
        tags: ['events'],
        summary: "The workspace's events as they are committed, as Server-Sent Events; resumable with `Last-Event-ID`",
        description:
          'The same events, in the same order and shapes, as `GET /api/v1/events`, pushed as they commit (by any server process on the same database). ' +
          'Each event is one frame: `id:` its feed cursor, `event:` its type, `data:` the event as `GET /api/v1/events` lists it. ' +
          "A reconnecting client sends the last id it saw as `Last-Event-ID` (or `?lastEventId=` where it cannot set headers; the header wins) and gets exactly the events after it; without one the stream starts at the feed's end, now. " +
          'A comment `: live` marks the end of the catch-up; a comment `: keep-alive` follows every 15 s.',
        querystring: Type.Object(
          {
            types: Type.Optional(TypesParameter),
            lastEventId: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'resume after this event id, as `Last-Event-ID`' })),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ maxLength: 512, description: 'the `id:` of the last event received: resume after it' })),
        }),
        response: {
          200: {
            description:
              'A `text/event-stream` that stays open: frames `id: <cursor>`, `event: <type>`, `data: <the event as GET /api/v1/events lists it>`, and comment heartbeats',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) => {
      const { types, lastEventId } = request.query;
      const header = request.headers['last-event-id'];
      const resumeFrom =
        typeof header === 'string' && header !== '' ? positionOf(header, 'Last-Event-ID') : lastEventId ? positionOf(lastEventId, 'lastEventId') : null;
      reply.hijack();
      reply.raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...STREAM_HEADERS });
      reply.raw.flushHeaders();
      await serveEventStream(reply.raw, {
        db: app.ctx.db,
        engine: app.ctx.engine,
        follower: app.feedFollower,
        principal: request.principal!,
        after: resumeFrom,
        types: typeListOf(types),
        present: framed,
        idOf: (position) => encodeCursor([position.txId, position.id]),
        heartbeatMs: app.config.eventStreamHeartbeatMs ?? DEFAULT_HEARTBEAT_MS,
        live: hasRealSocket(request),
        log: request.log,
      });
    },
  );
}
