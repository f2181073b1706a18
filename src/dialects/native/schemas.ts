import { Type, type TSchema } from 'typebox';
import { ID_PATTERN } from '../../domain/ids.ts';
import { type ErrorCase, type ErrorDocs, errorResponses } from '../../http/error-responses.ts';

export const Id = Type.String({ pattern: ID_PATTERN, description: 'A Conversas id (`c` + 26 base32 characters)' });
export const IdParams = Type.Object({ id: Id });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601 UTC with milliseconds' });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
};

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown(), { description: '`reason`: the specific cause; `fields`: offending field → messages' }),
    }),
  },
  { $id: 'NativeError', description: 'An error of the native API' },
);

export const nativeErrorDocs: ErrorDocs<typeof ErrorBody> = {
  body: ErrorBody,
  meanings: {
    403: 'Forbidden: an agent on an admin-only route, or a change made with the session cookie whose Origin is not PUBLIC_URL',
    409: 'The request conflicts with the current state of a resource (the summary says when), or repeats an Idempotency-Key with another body',
  },
};

/** The errors a route decides itself; those every route answers are added by the dialect (`standardErrorStatuses`). */
export const errors = (...cases: ErrorCase[]) => errorResponses(nativeErrorDocs, cases);

export const Page = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const isoRequired = (ms: number): string => new Date(ms).toISOString();
