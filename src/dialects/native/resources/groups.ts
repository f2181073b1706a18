import { Type } from 'typebox';
import type { GroupWithMembers } from '../../../domain/resources/groups.ts';
import { Id, Nullable, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name, OptionalText, OptionalUrl } from './paging.ts';

export const GroupShape = Type.Object({
  id: Id,
  inboxId: Id,
  channelId: Id,
  name: Type.String(),
  externalId: Nullable(Type.String({ description: "The network's group id, unique per inbox" })),
  imageUrl: Nullable(Type.String()),
  memberIds: Type.Array(Id, { description: 'Current members' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const GroupListQuery = Type.Object(
  {
    ...PageQuery,
    inboxId: Type.Optional(Id),
    channelId: Type.Optional(Id),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);
export const CreateGroupBody = Type.Object(
  { channelId: Id, name: Name, externalId: OptionalText(255), imageUrl: OptionalUrl },
  { additionalProperties: false },
);
export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(Name), externalId: OptionalText(255), imageUrl: OptionalUrl },
  { additionalProperties: false, minProperties: 1 },
);
export const GroupMembersBody = Type.Object(
  {
    personIds: Type.Array(Id, { maxItems: 1024, description: "The complete membership; people of the group's inbox" }),
  },
  { additionalProperties: false },
);

export function presentGroup(g: GroupWithMembers) {
  return {
    id: g.id,
    inboxId: g.inboxId,
    channelId: g.channelId,
    name: g.name,
    externalId: g.externalId,
    imageUrl: g.imageUrl,
    memberIds: g.memberIds,
    createdAt: isoRequired(g.createdAt),
    updatedAt: isoRequired(g.updatedAt),
  };
}
