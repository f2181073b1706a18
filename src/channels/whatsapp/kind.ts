import type { ChannelKind } from '../../domain/channel-kind.ts';
import { shownWhatsAppConfig, storedWhatsAppConfig } from './config.ts';

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
};
