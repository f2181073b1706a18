import { Type } from 'typebox';
import type { Bot } from '../../../domain/model.ts';
import { DEFAULT_BOT_TYPE } from '../../../domain/resources/bots.ts';
import { Id, Nullable, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

const BotType = Type.String({ minLength: 1, maxLength: 50, description: `The channel label (default \`${DEFAULT_BOT_TYPE}\`, also for sandbox channels)` });

export const BotShape = Type.Object({
  id: Id,
  inboxId: Id,
  channelId: Nullable(Id),
  name: Type.String(),
  type: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const BotListQuery = Type.Object({ ...PageQuery, inboxId: Type.Optional(Id), channelId: Type.Optional(Id) }, { additionalProperties: false });
export const CreateBotBody = Type.Object({ name: Name, channelId: Id, type: Type.Optional(BotType) }, { additionalProperties: false });
export const UpdateBotBody = Type.Object(
  { name: Type.Optional(Name), channelId: Type.Optional(Id), type: Type.Optional(BotType) },
  { additionalProperties: false, minProperties: 1 },
);

export function presentBot(b: Bot) {
  return {
    id: b.id,
    inboxId: b.inboxId,
    channelId: b.channelId,
    name: b.name,
    type: b.type,
    createdAt: isoRequired(b.createdAt),
    updatedAt: isoRequired(b.updatedAt),
  };
}
