import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import type { Person } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { requireExisting } from '../../../domain/lookups.ts';
import { searchKey } from '../../../domain/text.ts';
import { getPerson, updatePerson } from '../../../domain/resources/people.ts';
import { personFromRow } from '../../../db/rows.ts';
import { personTagIds } from '../../../db/repos/resources.ts';
import type { Db } from '../../../db/connect.ts';
import { likePattern } from '../../../domain/resources/paging.ts';
import { Cuid, NStr, Str, TagRef, errors, PageNumber, pageOffset, sendJsonString } from '../schemas.ts';
import { presentJuriPerson, presentJuriPersonCore } from '../presenters.ts';

const UPDATED = 'Contato atualizado com sucesso';

const PersonCore = {
  id: Str,
  name: NStr,
  email: NStr,
  imageUrl: NStr,
  phoneNumber: NStr,
  document: NStr,
  description: NStr,
  country: NStr,
  city: NStr,
  isBlocked: Type.Boolean(),
  inboxId: Str,
  createdAt: Str,
  updatedAt: Str,
};
const PersonShape = Type.Object({ ...PersonCore, tags: Type.Array(TagRef) });
const PersonListItem = Type.Object({ ...PersonCore, conversationId: NStr, tags: Type.Array(TagRef) });
const InboxQuery = Type.Object({ inboxId: Cuid });

async function tagsOf(db: Db, ws: string, tagIds: string[]) {
  if (tagIds.length === 0) return new Map<string, { id: string; name: string; color: string }>();
  const rows = await db
    .selectFrom('tags')
    .select(['id', 'name', 'color'])
    .where('workspace_id', '=', ws)
    .where('id', 'in', [...new Set(tagIds)])
    .execute();
  return new Map(rows.map((t) => [t.id, t]));
}

/** A person of this inbox, or the 404 an unknown id gets (the inbox is part of the address, as in JuriChat). */
async function personInInbox(app: FastifyInstance, ws: string, id: string, inboxId: string): Promise<Person> {
  await requireExisting(app.ctx.db, 'inboxes', ws, inboxId);
  const person = await getPerson(app.ctx, ws, id);
  if (person.inboxId !== inboxId) throw notFound('person', id);
  return person;
}

export async function peopleRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/people',
    {
      schema: {
        operationId: 'jurichatListPeople',
        summary: "An inbox's contacts: every match, or one page when page and limit are given",
        querystring: Type.Object({
          inboxId: Cuid,
          page: Type.Optional(PageNumber),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          name: Type.Optional(Type.String({ maxLength: 200 })),
          email: Type.Optional(Type.String({ maxLength: 320 })),
          isBlocked: Type.Optional(Type.Boolean()),
          tags: Type.Optional(Type.Array(Cuid, { maxItems: 50 })),
        }),
        response: {
          200: Type.Object({ data: Type.Array(PersonListItem), totalResults: Type.Integer(), totalPages: Type.Integer() }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const q = request.query;
      await requireExisting(db, 'inboxes', ws, q.inboxId);
      let query = db.selectFrom('people as p').where('p.workspace_id', '=', ws).where('p.inbox_id', '=', q.inboxId).where('p.deleted_at', 'is', null);
      if (q.name?.trim()) query = query.where(sql<boolean>`p.search_text like ${likePattern(searchKey(q.name.trim()))} escape '\\'`);
      if (q.email?.trim()) query = query.where(sql<boolean>`lower(p.email) like ${likePattern(q.email.trim().toLowerCase())} escape '\\'`);
      if (q.isBlocked !== undefined) query = query.where('p.is_blocked', '=', q.isBlocked ? 1 : 0);
      if (q.tags?.length) {
        const tagIds = q.tags;
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('person_tags as pt')
              .select('pt.tag_id')
              .whereRef('pt.workspace_id', '=', 'p.workspace_id')
              .whereRef('pt.person_id', '=', 'p.id')
              .where('pt.tag_id', 'in', tagIds),
          ),
        );
      }
      const paged = q.page !== undefined || q.limit !== undefined;
      const page = q.page ?? 1;
      const limit = q.limit ?? 20;
      let rowsQuery = query.selectAll('p').orderBy('p.id');
      if (paged) rowsQuery = rowsQuery.limit(limit).offset(pageOffset(page, limit));
      const [count, rows] = await Promise.all([query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(), rowsQuery.execute()]);
      const ids = rows.map((r) => r.id);
      const [tagIds, conversations] = await Promise.all([
        personTagIds(db, ws, ids),
        ids.length
          ? db
              .selectFrom('conversations')
              .select(['id', 'person_id'])
              .where('workspace_id', '=', ws)
              .where('inbox_id', '=', q.inboxId)
              .where('person_id', 'in', ids)
              .execute()
          : [],
      ]);
      const tags = await tagsOf(db, ws, [...tagIds.values()].flat());
      const conversationOf = new Map(conversations.map((c) => [c.person_id, c.id]));
      const total = Number(count.n);
      return {
        data: rows.map((r) => {
          const person = personFromRow(r, tagIds.get(r.id) ?? []);
          return {
            ...presentJuriPersonCore(person),
            conversationId: conversationOf.get(r.id) ?? null,
            tags: person.tagIds.map((id) => tags.get(id)!).filter(Boolean),
          };
        }),
        totalResults: total,
        totalPages: paged ? Math.ceil(total / limit) : total === 0 ? 0 : 1,
      };
    },
  );

  app.get(
    '/people/:peopleId',
    {
      schema: {
        operationId: 'jurichatGetPerson',
        summary: 'One contact of an inbox',
        params: Type.Object({ peopleId: Cuid }),
        querystring: InboxQuery,
        response: { 200: PersonShape, ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const person = await personInInbox(app, ws, request.params.peopleId, request.query.inboxId);
      const tags = await tagsOf(db, ws, person.tagIds);
      return presentJuriPerson(person, person.tagIds.map((id) => tags.get(id)!).filter(Boolean));
    },
  );

  app.patch(
    '/people/:peopleId',
    {
      schema: {
        operationId: 'jurichatUpdatePerson',
        summary: 'Update a contact (`tags` replaces its tags)',
        params: Type.Object({ peopleId: Cuid }),
        body: Type.Object(
          {
            inboxId: Cuid,
            name: Type.Optional(Type.String({ maxLength: 255 })),
            imageUrl: Type.Optional(Type.String({ maxLength: 2048 })),
            phoneNumber: Type.Optional(Type.String({ maxLength: 32 })),
            document: Type.Optional(Type.String({ maxLength: 64 })),
            description: Type.Optional(Type.String({ maxLength: 4096 })),
            country: Type.Optional(Type.String({ maxLength: 100 })),
            city: Type.Optional(Type.String({ maxLength: 100 })),
            email: Type.Optional(Type.String({ maxLength: 320 })),
            isBlocked: Type.Optional(Type.Boolean()),
            tags: Type.Optional(Type.Array(Cuid, { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.String(), ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const ws = request.principal!.workspaceId;
      const { inboxId, tags, ...fields } = request.body;
      await personInInbox(app, ws, request.params.peopleId, inboxId);
      await updatePerson(app.ctx, ws, request.params.peopleId, { ...fields, tagIds: tags }, { type: 'api_key', id: request.principal!.apiKeyId });
      return sendJsonString(reply, UPDATED);
    },
  );
}
