import type { ChannelKind } from '../../domain/channel-kind.ts';

/** The sandbox stands in for WhatsApp: an outbound message is "on the network" the moment it is stored. */
export const sandboxKind: ChannelKind = {
  kind: 'sandbox',
  storedConfig: (input) => input,
  shownConfig: (config) => config,
  outbound: (message) => ({ externalId: `sandbox.${message.id}`, externalStatus: 'sent', queued: false }),
};
