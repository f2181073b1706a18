import { Type } from 'typebox';
import type { Person } from '../../../domain/model.ts';
import { Id, Nullable, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { OptionalText, OptionalUrl } from './paging.ts';

const Text = Nullable(Type.String());

export const PersonShape = Type.Object({
  id: Id,
  inboxId: Id,
  name: Text,
  phoneNumber: Nullable(Type.String({ description: 'E.164 digits, no `+`' })),
  email: Text,
  imageUrl: Text,
  document: Text,
  description: Text,
  country: Text,
  city: Text,
  isBlocked: Type.Boolean(),
  referenceId: Text,
  tagIds: Type.Array(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PersonListQuery = Type.Object(
  {
    ...PageQuery,
    inboxId: Type.Optional(Id),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name (accent- and case-insensitive) or of the phone number' })),
    phoneNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'exact, after normalisation' })),
    referenceId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    isBlocked: Type.Optional(Type.Boolean()),
    tagId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const fields = {
  name: OptionalText(255),
  phoneNumber: Type.Optional(Nullable(Type.String({ maxLength: 32, description: 'any formatting; stored as 8–15 digits, unique per inbox' }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  imageUrl: OptionalUrl,
  document: OptionalText(64),
  description: OptionalText(4096),
  country: OptionalText(100),
  city: OptionalText(100),
  isBlocked: Type.Optional(Type.Boolean()),
  referenceId: OptionalText(255),
  tagIds: Type.Optional(Type.Array(Id, { maxItems: 100, description: "tags of the person's inbox; replaces the set" })),
};
export const CreatePersonBody = Type.Object({ inboxId: Id, ...fields }, { additionalProperties: false });
export const UpdatePersonBody = Type.Object(fields, { additionalProperties: false, minProperties: 1 });

export function presentPerson(p: Person) {
  return {
    id: p.id,
    inboxId: p.inboxId,
    name: p.name,
    phoneNumber: p.phoneNumber,
    email: p.email,
    imageUrl: p.imageUrl,
    document: p.document,
    description: p.description,
    country: p.country,
    city: p.city,
    isBlocked: p.isBlocked,
    referenceId: p.referenceId,
    tagIds: p.tagIds,
    createdAt: isoRequired(p.createdAt),
    updatedAt: isoRequired(p.updatedAt),
  };
}
