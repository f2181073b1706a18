import { Type, type TSchema } from 'typebox';
import { type ErrorCase, type ErrorDocs, errorResponses } from '../../http/error-responses.ts';
import { jelouStatusFor } from './errors.ts';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Str = Type.String();
export const NStr = Nullable(Type.String());
/** An id as clients send it: unknown ones are a 404 of their kind, not a validation failure. */
export const IdText = Type.String({ minLength: 1, maxLength: 255 });

export const ProjectParams = Type.Object({ projectId: Type.String({ minLength: 1, maxLength: 255 }) });

/** `{"message":["…"],"statusMessage":"success","status":1,"data":{…}}`; `data` is left out when there is nothing to return. */
export const Success = <T extends TSchema>(data: T) => Type.Object({ message: Type.Array(Str), statusMessage: Type.String(), status: Type.Integer(), data });
export const SuccessWithoutData = Type.Object({ message: Type.Array(Str), statusMessage: Type.String(), status: Type.Integer() });

export function success<T>(message: string, data: T): { message: string[]; statusMessage: 'success'; status: 1; data: T } {
  return { message: [message], statusMessage: 'success', status: 1, data };
}

export const JelouErrorBody = Type.Object(
  {
    message: Str,
    statusMessage: Str,
    status: Type.Integer(),
    error: Type.Object({
      code: Str,
      key: Str,
      description: Str,
      developerMessages: Type.Object({ en: Str }),
      clientMessages: Type.Object({ es: Str, pt: Str, en: Str }),
    }),
    validationError: Type.Record(Type.String(), Type.Array(Str), { description: 'On 422: offending field → messages; `{}` otherwise' }),
  },
  { $id: 'JelouError', description: "An error of the Jelou-compatible API, in Jelou's envelope" },
);

export const jelouErrorDocs: ErrorDocs<typeof JelouErrorBody> = {
  body: JelouErrorBody,
  statusFor: jelouStatusFor,
  meanings: {
    422: 'Validation failed (`validationError` names the fields); also malformed JSON, a body that is not JSON, and a URL the server refuses',
  },
};

/** The errors a route decides itself; the dialect adds those every route answers. */
export const errors = (...cases: ErrorCase[]) => errorResponses(jelouErrorDocs, cases);

export const AUTH_TYPES = ['no_auth', 'bearer', 'api_key', 'basic'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

const IntegrationCore = {
  id: Str,
  brainId: Str,
  webhookUrl: Str,
  authType: Type.Enum([...AUTH_TYPES]),
};
const Stamps = { createdAt: Str, updatedAt: Str };
export const Integration = Type.Object({ ...IntegrationCore, ...Stamps });
export const IntegrationWithSecret = Type.Object({ ...IntegrationCore, signingSecret: Str, ...Stamps });
/** PATCH answers like GET, plus `signingSecret` when it was rotated. */
export const IntegrationMaybeSecret = Type.Union([IntegrationWithSecret, Integration]);

const SessionUser = Nullable(Type.Object({ id: Str, names: NStr, referenceId: NStr, createdAt: Str }));
const SessionBot = Nullable(Type.Object({ id: Str, name: Str, type: Str }));

/** A Jelou "conversation" (a support session); `endAt` and `endedReason` are absent while it is active. */
export const Session = Type.Union([
  Type.Object(
    {
      _id: Str,
      roomId: Str,
      state: Type.Literal('closed'),
      startAt: Str,
      endAt: Str,
      endedReason: Str,
      User: SessionUser,
      Bot: SessionBot,
    },
    { title: 'closed session' },
  ),
  Type.Object({ _id: Str, roomId: Str, state: Type.Literal('active'), startAt: Str, User: SessionUser, Bot: SessionBot }, { title: 'active session' }),
]);

export const WebhookUrl = Type.String({ minLength: 1, maxLength: 2048 });
export const Authorization = Type.String({ minLength: 1, maxLength: 4096 });

export const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document'] as const;
export type JelouMessageType = (typeof MESSAGE_TYPES)[number];
