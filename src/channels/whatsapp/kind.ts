import type { ChannelKind } from '../../domain/channel-kind.ts';
import { conflict } from '../../domain/errors.ts';
import { shownWhatsAppConfig, storedWhatsAppConfig, whatsAppConfigOf } from './config.ts';
import { graphClient } from './graph-client.ts';
import { queueReadReceipt } from './read-receipts.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Meta's customer-service window: free-form messages only within 24 hours of the person's last message. */
export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

/** The domain side of the WhatsApp channel: config, what reads add, and outbound messages queued for the sender. */
export const whatsappKind: ChannelKind = {
  kind: 'whatsapp',
  storedConfig: (input, previous, settings) => ({ ...storedWhatsAppConfig(input, previous, settings) }),
  shownConfig: shownWhatsAppConfig,
  shownExtras: (channel, settings) => ({
    webhookUrl: `${settings.publicUrl.replace(/\/+$/, '')}/webhooks/whatsapp/${channel.id}`,
    status: channel.status ?? 'active',
    lastError: channel.lastError,
    lastErrorAt: iso(channel.lastErrorAt),
    lastWebhookAt: iso(channel.lastWebhookAt),
  }),
  installationKey: (config) => (typeof config.phoneNumberId === 'string' ? config.phoneNumberId : null),
  outbound: () => ({ externalId: null, externalStatus: 'pending', queued: true }),
  serviceWindowMs: SERVICE_WINDOW_MS,
  onRead: queueReadReceipt,
  templates: async (channel, settings) => {
    const config = whatsAppConfigOf(channel.config);
    if (!config.wabaId) throw conflict('config.wabaId is not set: the templates belong to the WhatsApp Business Account', 'waba_id_missing');
    const result = await graphClient({ allowPrivate: settings.allowPrivateUrls }).listTemplates(config);
    if (!result.ok) throw conflict(`Meta's Graph API refused the templates list: ${result.failure.message}`, 'whatsapp_api_error');
    return result.value.filter((t) => (t as { status?: unknown }).status === 'APPROVED');
  },
};
