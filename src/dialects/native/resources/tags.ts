import { Type } from 'typebox';
import type { Tag } from '../../../domain/model.ts';
import { TAG_MODULES } from '../../../domain/tags.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';

const Name = Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the inbox' });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A hex colour, `#rrggbb`' });
const Modules = Type.Array(Type.Enum([...TAG_MODULES]), {
  minItems: 1,
  uniqueItems: true,
  description: 'Where the tag is offered (JuriChat modules); every module when absent',
});

export const TagShape = Type.Object({
  id: Id,
  inboxId: Id,
  name: Type.String(),
  color: Type.String({ description: 'As stored: `#rrggbb` from this API; the JuriChat API accepts any text' }),
  modules: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const TagListQuery = Type.Object({ ...PageQuery, inboxId: Type.Optional(Id) }, { additionalProperties: false });
export const CreateTagBody = Type.Object({ inboxId: Id, name: Name, color: Color, modules: Type.Optional(Modules) }, { additionalProperties: false });
export const UpdateTagBody = Type.Object(
  { name: Type.Optional(Name), color: Type.Optional(Color), modules: Type.Optional(Modules) },
  { additionalProperties: false, minProperties: 1 },
);

export function presentTag(t: Tag) {
  return {
    id: t.id,
    inboxId: t.inboxId,
    name: t.name,
    color: t.color,
    modules: t.modules,
    createdAt: isoRequired(t.createdAt),
    updatedAt: isoRequired(t.updatedAt),
  };
}
