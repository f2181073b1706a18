import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Tag } from '../../../domain/model.ts';
import { TAG_MODULES, createTag, deleteTag, listTags, updateTag } from '../../../domain/tags.ts';
import { Cuid, Str, errors, isoOf } from '../schemas.ts';

const TagShape = Type.Object({ id: Str, name: Str, color: Str, inboxId: Str, officeId: Str, modules: Type.Array(Str), createdAt: Str, updatedAt: Str });
const Modules = Type.Array(Type.Enum([...TAG_MODULES]), { minItems: 1, uniqueItems: true });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Color = Type.String({ minLength: 1, maxLength: 32 });

const present = (t: Tag) => ({
  id: t.id,
  name: t.name,
  color: t.color,
  inboxId: t.inboxId,
  officeId: t.workspaceId,
  modules: t.modules,
  createdAt: isoOf(t.createdAt),
  updatedAt: isoOf(t.updatedAt),
});

export async function tagRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  app.post(
    '/tag',
    {
      schema: {
        operationId: 'jurichatCreateTag',
        summary: 'Create a tag (its name is unique in the inbox)',
        body: Type.Object({ name: Name, color: Color, inboxId: Cuid, modules: Modules }, { additionalProperties: false }),
        response: { 200: TagShape, ...errors(404, 409) },
      },
    },
    async (request) => present(await createTag(ctx, request.principal!.workspaceId, request.body)),
  );

  app.get(
    '/tag',
    {
      schema: {
        operationId: 'jurichatListTags',
        summary: "An inbox's tags",
        querystring: Type.Object({ inboxId: Cuid }),
        response: { 200: Type.Array(TagShape), ...errors(404) },
      },
    },
    async (request) => (await listTags(ctx, request.principal!.workspaceId, request.query.inboxId)).map(present),
  );

  app.patch(
    '/tag/:id',
    {
      schema: {
        operationId: 'jurichatUpdateTag',
        summary: 'Rename or recolour a tag, or change its modules',
        params: Type.Object({ id: Cuid }),
        body: Type.Object({ name: Type.Optional(Name), color: Type.Optional(Color), modules: Type.Optional(Modules) }, { additionalProperties: false }),
        response: { 200: TagShape, ...errors(404, 409) },
      },
    },
    async (request) => present(await updateTag(ctx, request.principal!.workspaceId, request.params.id, request.body)),
  );

  app.delete(
    '/tag/:id',
    {
      schema: {
        operationId: 'jurichatDeleteTag',
        summary: 'Delete a tag; it is removed from every conversation and person',
        params: Type.Object({ id: Cuid }),
        response: { 200: Type.Object({ success: Type.Boolean() }), ...errors(404) },
      },
    },
    async (request) => {
      await deleteTag(ctx, request.principal!.workspaceId, request.params.id, { type: 'api_key', id: request.principal!.apiKeyId });
      return { success: true };
    },
  );
}
