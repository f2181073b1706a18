import { Type, type TSchema } from 'typebox';
import { ID_PATTERN } from '../../domain/ids.ts';

export const Id = Type.String({ pattern: ID_PATTERN, description: 'A Conversas id (`c` + 26 base32 characters)' });
export const IdParams = Type.Object({ id: Id });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601 UTC with milliseconds' });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
};

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Record(Type.String(), Type.Unknown()) }),
});

/** Standard error responses for the OpenAPI document. */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export const Page = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const isoRequired = (ms: number): string => new Date(ms).toISOString();
