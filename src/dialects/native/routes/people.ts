import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor } from '../../../domain/context.ts';
import { actorOf as actorOfPrincipal } from '../../../domain/api-keys.ts';
import { createPerson, deletePerson, getPerson, updatePerson } from '../../../domain/resources/people.ts';
import { listPeople } from '../../../domain/queries/people-list.ts';
import { IdParams, Page, errors } from '../schemas.ts';
import { peopleInboxesOf, requireVisibleInbox, requireVisiblePerson } from '../../../db/repos/people-scope.ts';
import { CreatePersonBody, PersonListQuery, PersonShape, UpdatePersonBody, presentPerson } from '../resources/people.ts';
import { Deleted, pageRequest, presentPage } from '../resources/paging.ts';

const tags = ['people'];
const actorOf = (request: FastifyRequest): Actor => actorOfPrincipal(request.principal!);

export async function peopleRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  // An agent sees the people of their inboxes only; the others answer 404 like unknown ids.
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { id?: string } | undefined)?.id;
    if (id && request.principal) await requireVisiblePerson(ctx.db, request.principal, id);
  });

  app.get(
    '/people',
    {
      schema: { operationId: 'listPeople', tags, summary: 'List people (contacts)', querystring: PersonListQuery, response: { 200: Page(PersonShape) } },
    },
    async (request) => {
      const { inboxId, search, phoneNumber, referenceId, isBlocked, tagId } = request.query;
      return presentPage(
        await listPeople(
          ctx,
          request.principal!.workspaceId,
          { inboxId, search, phoneNumber, referenceId, isBlocked, tagIds: tagId ? [tagId] : undefined, inboxIds: peopleInboxesOf(request.principal!) },
          pageRequest(request.query),
        ),
        presentPerson,
      );
    },
  );

  app.post(
    '/people',
    {
      config: { idempotent: true },
      schema: {
        operationId: 'createPerson',
        tags,
        summary: 'Create a person in an inbox; the phone number is unique per inbox (409). Emits `contact.created`',
        body: CreatePersonBody,
        response: { 201: PersonShape, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      requireVisibleInbox(request.principal!, request.body.inboxId);
      return reply.code(201).send(presentPerson(await createPerson(ctx, request.principal!.workspaceId, request.body, actorOf(request))));
    },
  );

  app.get(
    '/people/:id',
    {
      schema: { operationId: 'getPerson', tags, summary: 'One person', params: IdParams, response: { 200: PersonShape, ...errors(404) } },
    },
    async (request) => presentPerson(await getPerson(ctx, request.principal!.workspaceId, request.params.id)),
  );

  app.patch(
    '/people/:id',
    {
      schema: {
        operationId: 'updatePerson',
        tags,
        summary: 'Change a person; `tagIds` replaces the set. Emits `contact.updated` when something changed',
        params: IdParams,
        body: UpdatePersonBody,
        response: { 200: PersonShape, ...errors(404, 409) },
      },
    },
    async (request) => presentPerson(await updatePerson(ctx, request.principal!.workspaceId, request.params.id, request.body, actorOf(request))),
  );

  app.delete(
    '/people/:id',
    {
      schema: {
        operationId: 'deletePerson',
        tags,
        summary: 'Delete a person (their conversations stay). Emits `contact.deleted`',
        params: IdParams,
        response: { 204: Deleted, ...errors(404) },
      },
    },
    async (request, reply) => {
      await deletePerson(ctx, request.principal!.workspaceId, request.params.id, actorOf(request));
      return reply.code(204).send(null);
    },
  );
}
