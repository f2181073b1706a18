import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Ctx } from '../../../domain/context.ts';
import { DomainError } from '../../../domain/errors.ts';
import { listSubscriptions, type WebhookSubscription } from '../../../domain/webhooks.ts';
import { findRoom, replyInSession, type SessionReply } from '../../../domain/support-sessions.ts';
import { hmacSha256Header, safeEqual } from '../../../events/signing.ts';
import { HttpError } from '../../../http/problem.ts';
import { JELOU_DIALECT } from '../webhook-format.ts';
import { IdText, MESSAGE_TYPES, NStr, Nullable, Success, errors } from '../schemas.ts';

/** The panel's replies: one path at the root and one under each management prefix's root, each its own operation. */
export const PANEL_WEBHOOK_ROUTES = [
  { path: '/v1/external-support/webhook', operationId: 'jelouSendMessage' },
  { path: '/jelouapi/v1/external-support/webhook', operationId: 'jelouSendMessageJelouApi' },
  { path: '/platform/v1/external-support/webhook', operationId: 'jelouSendMessagePlatform' },
];

/**
 * Why `security` is empty: the signature is an HMAC of each request's body, which no OpenAPI
 * security scheme describes; an `apiKey` scheme would have clients send a constant instead.
 */
const SIGNED = `Authenticated by its signature, not by credentials: \`X-Jelou-Signature: sha256=<hex>\`, the HMAC-SHA256 of the raw body keyed with the signing secret of \`project_id\`'s integration (returned when the integration is created or its secret rotated), compared in constant time. No API key is taken, so \`security\` is empty. A repeated \`value.id\` is accepted once and answered \`200\` again.`;

const SIGNATURE = /^sha256=[0-9a-f]{64}$/i;

const MediaContent = Type.Object({
  url: Type.Optional(Type.String({ maxLength: 2048 })),
  mime_type: Type.Optional(NStr),
  body: Type.Optional(Type.String({ maxLength: 4096 })),
});

const PanelMessage = Type.Object({
  field: Type.Enum(['messages']),
  object: Type.Enum(['message_event']),
  event_type: Type.Enum(['incoming_message']),
  project_id: IdText,
  room_id: IdText,
  bot_id: IdText,
  user_id: IdText,
  value: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 255, description: "the panel's own message id; a repeat is accepted once" }),
    type: Type.Enum([...MESSAGE_TYPES]),
    content: MediaContent,
    caption: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))),
    filename: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  }),
});
type PanelMessage = Static<typeof PanelMessage>;

const invalidSignature = (why: string) => new HttpError(401, `Invalid X-Jelou-Signature: ${why}`, 'invalid_signature');
const unprocessable = (field: string, message: string) => new DomainError('unprocessable', `${field} ${message}`, 'validation_failed', { [field]: [message] });

async function integrationOf(ctx: Ctx, projectId: string): Promise<WebhookSubscription | null> {
  return (await listSubscriptions(ctx, projectId, JELOU_DIALECT))[0] ?? null;
}

/**
 * The signature is checked before the body's shape: a missing or malformed header is refused at
 * once, then the project's integration secret is looked up by `project_id` and the HMAC of the raw
 * body compared in constant time.
 */
async function verifySignature(ctx: Ctx, request: FastifyRequest): Promise<void> {
  const header = request.headers['x-jelou-signature'];
  if (typeof header !== 'string' || header === '') throw invalidSignature('the header is missing');
  if (!SIGNATURE.test(header.trim())) throw invalidSignature('expected sha256=<64 hex characters>');
  const body = request.body as Record<string, unknown> | null | undefined;
  const projectId = body && typeof body === 'object' && !Array.isArray(body) ? body.project_id : undefined;
  if (typeof projectId !== 'string' || projectId === '') throw unprocessable('project_id', 'is required');
  const integration = await integrationOf(ctx, projectId);
  if (!integration) throw new DomainError('not_found', `No integration in project ${projectId}`, 'integration_not_found');
  const expected = hmacSha256Header(integration.secret, request.rawBody ?? '');
  if (!safeEqual(expected, header.trim().toLowerCase())) throw invalidSignature('it does not match the body');
  request.jelouIntegration = integration;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The integration whose secret signed a panel reply. */
    jelouIntegration?: WebhookSubscription;
  }
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The reply as the domain's message: text from `content.body`, media from `content.url` + `mime_type`, with caption/filename. */
function replyOf(value: PanelMessage['value']): SessionReply {
  if (value.type === 'text') {
    if (!value.content.body?.trim()) throw unprocessable('value.content.body', 'is required for text messages');
    return { type: 'text', text: value.content.body, clientMessageId: value.id };
  }
  const url = value.content.url;
  if (!url) throw unprocessable('value.content.url', `is required for ${value.type} messages`);
  if (!isHttpUrl(url)) throw unprocessable('value.content.url', 'must be an http or https URL');
  return {
    type: value.type,
    clientMessageId: value.id,
    media: { url, mimeType: value.content.mime_type ?? null, fileName: value.filename ?? null, caption: value.caption ?? null, size: null },
  };
}

export async function panelWebhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx } = app;

  for (const { path, operationId } of PANEL_WEBHOOK_ROUTES) {
    app.post(
      path,
      {
        preValidation: async (request) => verifySignature(ctx, request),
        schema: {
          operationId,
          summary: 'The panel answers the end user: signed with X-Jelou-Signature over the raw body (no API key); stored as OUTBOUND and sent',
          description: SIGNED,
          security: [],
          // Required, as the document says; a request without it is refused (401) by verifySignature before validation runs.
          headers: Type.Object({ 'x-jelou-signature': Type.String({ description: 'sha256=<hex HMAC-SHA256(signingSecret, raw body)>' }) }),
          body: PanelMessage,
          response: {
            200: Success(Type.Object({ id: Type.String() })),
            ...errors(
              [401, 'X-Jelou-Signature is missing, malformed, or does not match the body'],
              [404, 'No integration in project_id, or no conversation room_id in it'],
              [409, 'The conversation has no active support session'],
              [
                422,
                "Validation failed (`validationError` names the fields): wrong fixed fields, an unknown type, or a bot_id or user_id that is not the room's",
              ],
            ),
          },
        },
      },
      async (request) => {
        const b = request.body;
        const reply = replyOf(b.value);
        const room = await findRoom(ctx, b.project_id, b.room_id);
        if (!room) throw new DomainError('not_found', `No conversation ${b.room_id} in project ${b.project_id}`, 'conversation_not_found');
        if (room.botId !== b.bot_id) throw unprocessable('bot_id', `is not the bot of room ${room.id}`);
        if (room.personId === null || (b.user_id !== room.personId && b.user_id !== room.personReferenceId)) {
          throw unprocessable('user_id', `is not the user of room ${room.id}`);
        }
        const { message } = await replyInSession(ctx, b.project_id, room.id, reply, { type: 'integration', id: request.jelouIntegration!.id });
        return { message: ['Message received'], statusMessage: 'success', status: 1, data: { id: message.id } };
      },
    );
  }
}
