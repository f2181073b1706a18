import { Type } from 'typebox';
import type { ApiKey } from '../../../domain/model.ts';
import type { IssuedApiKey } from '../../../domain/api-keys.ts';
import { Id, Nullable, PageQuery, Timestamp, iso, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

/** A key as lists show it: never the key itself nor its hashes, only the prefix that recognises it. */
export const ApiKeyShape = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'The first 12 characters of the key' }),
  clientId: Type.String(),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});

export const CreatedApiKeyShape = Type.Object({
  ...ApiKeyShape.properties,
  apiKey: Type.String({ description: 'The key (`Authorization: Bearer …`); shown only in this answer' }),
  clientSecret: Type.String({ description: 'The Basic `clientId:clientSecret` secret; shown only in this answer' }),
});

export const ApiKeyListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const CreateApiKeyBody = Type.Object({ name: Name }, { additionalProperties: false });

export function presentApiKey(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    clientId: k.clientId,
    createdAt: isoRequired(k.createdAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

export function presentIssuedApiKey(issued: IssuedApiKey) {
  return { ...presentApiKey(issued.apiKey), apiKey: issued.key, clientId: issued.clientId, clientSecret: issued.clientSecret };
}
