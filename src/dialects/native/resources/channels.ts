import { Type } from 'typebox';
import type { Channel } from '../../../domain/model.ts';
import { CREATABLE_CHANNEL_KINDS } from '../../../domain/resources/channels.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

const Config = Type.Record(Type.String(), Type.Unknown(), { description: "The channel driver's settings", maxProperties: 100 });

export const ChannelShape = Type.Object({
  id: Id,
  inboxId: Id,
  kind: Type.Enum(['sandbox', 'whatsapp']),
  name: Type.String(),
  config: Config,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ChannelListQuery = Type.Object(
  { ...PageQuery, inboxId: Type.Optional(Id), kind: Type.Optional(Type.Enum(['sandbox', 'whatsapp'])) },
  { additionalProperties: false },
);
export const CreateChannelBody = Type.Object(
  {
    inboxId: Id,
    kind: Type.Enum([...CREATABLE_CHANNEL_KINDS], { description: 'Only `sandbox` for now' }),
    name: Name,
    config: Type.Optional(Config),
  },
  { additionalProperties: false },
);
export const UpdateChannelBody = Type.Object({ name: Type.Optional(Name), config: Type.Optional(Config) }, { additionalProperties: false, minProperties: 1 });

export function presentChannel(c: Channel) {
  return {
    id: c.id,
    inboxId: c.inboxId,
    kind: c.kind,
    name: c.name,
    config: c.config,
    createdAt: isoRequired(c.createdAt),
    updatedAt: isoRequired(c.updatedAt),
  };
}
