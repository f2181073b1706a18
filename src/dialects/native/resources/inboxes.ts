import { Type } from 'typebox';
import type { Inbox } from '../../../domain/model.ts';
import { DEFAULT_INACTIVITY_TIMEOUT_MINUTES, MAX_INACTIVITY_TIMEOUT_MINUTES } from '../../../domain/resources/inboxes.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

const Timeout = Type.Integer({
  minimum: 1,
  maximum: MAX_INACTIVITY_TIMEOUT_MINUTES,
  description: `Minutes without a message after which a conversation goes INACTIVE (default ${DEFAULT_INACTIVITY_TIMEOUT_MINUTES})`,
});

export const InboxShape = Type.Object({ id: Id, name: Type.String(), inactivityTimeoutMinutes: Timeout, createdAt: Timestamp, updatedAt: Timestamp });

export const InboxListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const CreateInboxBody = Type.Object({ name: Name, inactivityTimeoutMinutes: Type.Optional(Timeout) }, { additionalProperties: false });
export const UpdateInboxBody = Type.Object(
  { name: Type.Optional(Name), inactivityTimeoutMinutes: Type.Optional(Timeout) },
  { additionalProperties: false, minProperties: 1 },
);

export function presentInbox(i: Inbox) {
  return {
    id: i.id,
    name: i.name,
    inactivityTimeoutMinutes: i.inactivityTimeoutMinutes,
    createdAt: isoRequired(i.createdAt),
    updatedAt: isoRequired(i.updatedAt),
  };
}
