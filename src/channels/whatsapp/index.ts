import type { ChannelModule } from '../../modules/contract.ts';
import { whatsappKind } from './kind.ts';
import { whatsappWebhookRoutes } from './webhook-routes.ts';
import { whatsappApiRoutes } from './api-routes.ts';
import { startWhatsAppWorkers } from './workers.ts';

/** A business's own number on Meta's WhatsApp Cloud API (whatsapp-channel.md). */
export const whatsappChannel: ChannelModule = {
  ...whatsappKind,
  routes: whatsappWebhookRoutes,
  apiRoutes: whatsappApiRoutes,
  startWorkers: ({ ctx, config, log, media }) => [startWhatsAppWorkers(ctx, config, log, media)],
  prefixes: ['/webhooks/whatsapp'],
  tagGroup: {
    name: 'WhatsApp channel',
    tags: [
      {
        name: 'whatsapp',
        description:
          "Meta's callback URL of a WhatsApp channel (`webhookUrl` on the channel): the verification handshake and the webhooks, signed with the app secret (`X-Hub-Signature-256`), which no OpenAPI security scheme expresses.",
      },
    ],
  },
};
