import type { ChannelModule } from '../../modules/contract.ts';
import { sandboxKind } from './kind.ts';
import { sandboxApiRoutes } from './api-routes.ts';

/** The sandbox channel: the network is played through native API routes (native-api.md). */
export const sandboxChannel: ChannelModule = {
  ...sandboxKind,
  apiRoutes: sandboxApiRoutes,
  tagGroup: {
    name: 'Sandbox channel',
    tags: [{ name: 'sandbox', description: "The sandbox channel: play the network's part (an end user's messages, delivery receipts) in tests and demos." }],
  },
};
