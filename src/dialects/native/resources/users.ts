import { Type } from 'typebox';
import type { User } from '../../../domain/model.ts';
import { Id, Nullable, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name, OptionalText, OptionalUrl } from './paging.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const InboxIds = Nullable(Type.Array(Id, { maxItems: 500, description: 'The inboxes the agent works in; null: every inbox, including inboxes created later' }));

export const UserShape = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  imageUrl: Nullable(Type.String()),
  roleId: Nullable(Id),
  contact: Nullable(Type.String()),
  notificationSound: Type.Boolean(),
  onlyAssignedConversations: Type.Boolean(),
  inboxIds: InboxIds,
  lastInboxUsedId: Nullable(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const UserListQuery = Type.Object(
  {
    ...PageQuery,
    roleId: Type.Optional(Id),
    inboxId: Type.Optional(Id),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'exact, case-insensitive' })),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name or e-mail' })),
  },
  { additionalProperties: false },
);

const fields = {
  roleId: Type.Optional(Nullable(Id)),
  inboxIds: Type.Optional(InboxIds),
  imageUrl: OptionalUrl,
  contact: OptionalText(255),
  notificationSound: Type.Optional(Type.Boolean()),
  onlyAssignedConversations: Type.Optional(Type.Boolean()),
};
export const CreateUserBody = Type.Object({ name: Name, email: Email, ...fields }, { additionalProperties: false });
export const UpdateUserBody = Type.Object(
  { name: Type.Optional(Name), email: Type.Optional(Email), ...fields },
  { additionalProperties: false, minProperties: 1 },
);

export function presentUser(u: User) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    imageUrl: u.imageUrl,
    roleId: u.roleId,
    contact: u.contact,
    notificationSound: u.notificationSound,
    onlyAssignedConversations: u.onlyAssignedConversations,
    inboxIds: u.inboxIds,
    lastInboxUsedId: u.lastInboxUsedId,
    createdAt: isoRequired(u.createdAt),
    updatedAt: isoRequired(u.updatedAt),
  };
}
