import type { FastifyReply } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { ID_PATTERN } from '../../domain/ids.ts';
import { type ErrorCase, errorResponses, plainErrorDocs } from '../../http/error-responses.ts';

/** JuriChat validates ids with Zod's cuid() pattern. */
export const Cuid = Type.String({ pattern: ID_PATTERN });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Str = Type.String();
export const NStr = Nullable(Type.String());

/** A page number: past the last page is an empty page, but it must stay an exact integer (`1e308` is refused). */
export const PageNumber = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** `page`/`limit` arrive as strings and are coerced; out of range → 400. */
export const pageQuery = (defaultLimit: number, maxLimit = 100) => ({
  page: Type.Optional(Type.Integer({ ...PageNumber, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
});

/** The errors a route decides itself, in Fastify's shape (JuriChat's); the dialect adds those every route answers. */
export const errors = (...cases: ErrorCase[]) => errorResponses(plainErrorDocs, cases);

export const PersonRef = Type.Object({ id: Str, name: NStr, imageUrl: NStr, phoneNumber: NStr });
export const GroupRef = Type.Object({ id: Str, name: Str, externalId: NStr, imageUrl: NStr });
export const UserRef = Type.Object({ id: Str, name: Str, imageUrl: NStr });
export const NamedRef = Type.Object({ id: Str, name: Str });
export const TagRef = Type.Object({ id: Str, name: Str, color: Str });

export const JuriMessage = Type.Object({
  id: Str,
  content: NStr,
  type: Str,
  direction: Str,
  messageAt: Str,
  externalId: NStr,
  externalStatus: NStr,
  errorMessage: NStr,
  participantId: NStr,
  formattedDate: Str,
  contact: Nullable(Type.Object({ name: NStr, phoneNumber: NStr })),
  quotedMessage: Nullable(Type.Object({ id: Str, content: NStr, formattedDate: Str })),
  transcription: NStr,
  summary: NStr,
  metadata: Type.Unknown(),
});

export const Success = Type.Object({ success: Type.Boolean() });
export const Confirmation = Type.String();

/** JuriChat answers some writes with a bare JSON string (`"Conversa atualizada com sucesso"`); Fastify would send a string as text. */
export function sendJsonString(reply: FastifyReply, text: string) {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(text));
}

export const totalPages = (total: number, limit: number) => Math.ceil(total / limit);
export { pageOffset } from '../../domain/resources/paging.ts';
export const isoOf = (ms: number) => new Date(ms).toISOString();
