import { Type } from 'typebox';
import { USER_ACCESS, type User } from '../../../domain/model.ts';
import { MIN_PASSWORD_LENGTH } from '../../../domain/passwords.ts';
import { Id, Nullable, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name, OptionalText, OptionalUrl } from './paging.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const InboxIds = Nullable(Type.Array(Id, { maxItems: 500, description: 'The inboxes the agent works in; null: every inbox, including inboxes created later' }));

const Access = Type.Enum([...USER_ACCESS], { description: '`admin`: every route; `agent`: the conversations of their inboxes, no workspace settings' });
const UserPassword = Type.String({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: 1024,
  description: `At least ${MIN_PASSWORD_LENGTH} characters; stored as a scrypt hash, never returned. Changing it signs the user out everywhere`,
});

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
  access: Access,
  hasPassword: Type.Boolean({ description: 'Whether the user can sign in to the inbox; the password itself is never returned' }),
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
  access: Type.Optional(Access),
  password: Type.Optional(UserPassword),
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
    access: u.access,
    hasPassword: u.hasPassword,
    createdAt: isoRequired(u.createdAt),
    updatedAt: isoRequired(u.updatedAt),
  };
}

export const InviteAnswer = Type.Object({
  inviteUrl: Type.String({ description: '`PUBLIC_URL/invite/{token}`: works once, for 7 days; a new invitation voids the earlier ones' }),
  expiresAt: Timestamp,
});
