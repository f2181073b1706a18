import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Person } from '../../../domain/model.ts';
import { notFound } from '../../../domain/errors.ts';
import { requireExisting } from '../../../domain/lookups.ts';
import { getPerson, updatePerson } from '../../../domain/resources/people.ts';
import { listPeopleByPage } from '../../../domain/queries/people-list.ts';
import { tagsByIds } from '../../../db/repos/conversation-views.ts';
import { Cuid, NStr, Str, TagRef, errors, PageNumber, sendJsonString } from '../schemas.ts';
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
      const paged = q.page !== undefined || q.limit !== undefined;
      const limit = q.limit ?? 20;
      const { items, total } = await listPeopleByPage(
        app.ctx,
        ws,
        { inboxId: q.inboxId, search: q.name, email: q.email, isBlocked: q.isBlocked, tagIds: q.tags },
        paged ? { page: q.page ?? 1, limit } : null,
      );
      return {
        data: items.map((item) => ({ ...presentJuriPersonCore(item.person), conversationId: item.conversationId, tags: item.tags })),
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
      const tags = await tagsByIds(db, ws, person.tagIds);
      return presentJuriPerson(
        person,
        person.tagIds.flatMap((id) => tags.get(id) ?? []),
      );
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
