import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { safeEqual } from '../../events/signing.ts';
import { HttpError } from '../../http/problem.ts';
import { addErrorResponses, addStandardErrorResponses } from '../../http/error-responses.ts';
import { ErrorBody, nativeErrorDocs } from '../../dialects/native/schemas.ts';
import { validSignature } from './signature.ts';
import { receiveWebhook, whatsappChannelById } from './receive-webhook.ts';

/** Meta sends webhooks up to 3 MB (vendor notes §2.1). */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

const Params = Type.Object({ channelId: Type.String({ minLength: 1, maxLength: 64 }) });
const HandshakeQuery = Type.Object({
  'hub.mode': Type.Optional(Type.String({ maxLength: 64 })),
  'hub.verify_token': Type.Optional(Type.String({ maxLength: 4096 })),
  'hub.challenge': Type.Optional(Type.String({ maxLength: 4096 })),
});

const tags = ['whatsapp'];

/** Meta's callback URL of one channel (whatsapp-channel.md §2): the handshake and the signed webhooks. */
export async function whatsappWebhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;
  // These routes answer in the native error shape; what each can refuse is declared for /openapi.json.
  app.addSchema(ErrorBody);
  app.addHook('onRoute', (route) => {
    addStandardErrorResponses(route, nativeErrorDocs, { authenticated: false });
    addErrorResponses(route, nativeErrorDocs, route.method === 'GET' ? [403, 404] : [401, 404]);
  });
  // The signature covers the bytes exactly as received, so this scope keeps them instead of parsing text.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get(
    '/webhooks/whatsapp/:channelId',
    {
      schema: {
        operationId: 'whatsappVerifyWebhook',
        tags,
        summary: "Meta's verification handshake: answers `hub.challenge` when `hub.verify_token` is the channel's",
        security: [],
        params: Params,
        querystring: HandshakeQuery,
        response: { 200: Type.String({ description: '`hub.challenge`, as text/plain' }) },
      },
    },
    async (request, reply) => {
      const channel = await whatsappChannelById(ctx, request.params.channelId);
      if (!channel) throw new HttpError(404, `Channel ${request.params.channelId} not found`, 'channel_not_found');
      const query = request.query;
      const token = query['hub.verify_token'];
      const accepted = query['hub.mode'] === 'subscribe' && typeof token === 'string' && safeEqual(token, channel.config.verifyToken);
      if (!accepted) throw new HttpError(403, "hub.mode must be subscribe and hub.verify_token the channel's verify token", 'verify_token_mismatch');
      return reply
        .code(200)
        .type('text/plain; charset=utf-8')
        .send(query['hub.challenge'] ?? '');
    },
  );

  app.post(
    '/webhooks/whatsapp/:channelId',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        operationId: 'whatsappReceiveWebhook',
        tags,
        summary:
          "Meta's webhooks for this channel, authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret); 200 once everything they carried is committed",
        security: [],
        params: Params,
        body: Type.Unknown(),
        response: { 200: Type.Object({ received: Type.Boolean() }) },
      },
    },
    async (request) => {
      const channel = await whatsappChannelById(ctx, request.params.channelId);
      if (!channel) throw new HttpError(404, `Channel ${request.params.channelId} not found`, 'channel_not_found');
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-hub-signature-256'];
      if (!validSignature(raw, typeof header === 'string' ? header : undefined, channel.config.appSecret)) {
        throw new HttpError(401, 'X-Hub-Signature-256 is missing or does not match the body signed with the app secret', 'invalid_signature');
      }
      let body: unknown;
      try {
        // NUL characters cannot be stored (PostgreSQL text); nothing Meta sends needs them.
        body = JSON.parse(raw.toString('utf8'), (_key, value) => (typeof value === 'string' ? value.replaceAll('\u0000', '') : value));
      } catch (error) {
        throw new HttpError(400, `The body is not JSON: ${(error as Error).message}`, 'invalid_json');
      }
      await receiveWebhook(ctx, channel, raw.toString('utf8'), body, request.log);
      return { received: true };
    },
  );
}
