import type { ChannelDriver } from '../../domain/context.ts';

/** The sandbox stands in for WhatsApp: an outbound message is "on the network" the moment it is stored. */
export const sandboxDriver: ChannelDriver = {
  kind: 'sandbox',
  send: (_channel, message) => ({ externalId: `sandbox.${message.id}`, externalStatus: 'sent' }),
};
