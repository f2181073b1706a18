import { Type } from 'typebox';
import type { Channel } from '../../../domain/model.ts';
import { CHANNEL_KINDS } from '../../../domain/resources/channels.ts';
import type { Ctx } from '../../../domain/context.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

const Config = Type.Record(Type.String(), Type.Unknown(), {
  description:
    "The channel's settings. WhatsApp: `phoneNumberId`, `accessToken` and `appSecret` (required), `wabaId`, `displayPhoneNumber`, `verifyToken` (generated when absent), `graphApiUrl`, `graphApiVersion`, `sendReadReceipts`, `messagesPerSecond`. Secrets read back as `••••last4` hints.",
  maxProperties: 100,
});
const NullableText = Type.Union([Type.String(), Type.Null()]);

export const ChannelShape = Type.Object({
  id: Id,
  inboxId: Id,
  kind: Type.Enum(['sandbox', 'whatsapp']),
  name: Type.String(),
  config: Config,
  webhookUrl: Type.Optional(Type.String({ description: "WhatsApp: the callback URL to paste into Meta's dashboard" })),
  status: Type.Optional(Type.Enum(['active', 'error'], { description: 'WhatsApp: `error` after Meta refused the access token' })),
  lastError: Type.Optional(NullableText),
  lastErrorAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  lastWebhookAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
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
    kind: Type.Enum([...CHANNEL_KINDS]),
    name: Name,
    config: Type.Optional(Config),
  },
  { additionalProperties: false },
);
export const UpdateChannelBody = Type.Object({ name: Type.Optional(Name), config: Type.Optional(Config) }, { additionalProperties: false, minProperties: 1 });

export function presentChannel(ctx: Ctx, c: Channel) {
  const kind = ctx.channelKinds.get(c.kind);
  return {
    id: c.id,
    inboxId: c.inboxId,
    kind: c.kind,
    name: c.name,
    config: kind ? kind.shownConfig(c.config) : {},
    ...kind?.shownExtras?.(c, ctx.channelSettings),
    createdAt: isoRequired(c.createdAt),
    updatedAt: isoRequired(c.updatedAt),
  };
}
