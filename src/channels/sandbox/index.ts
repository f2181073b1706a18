import type { ChannelModule } from '../../modules/contract.ts';
import { sandboxKind } from './kind.ts';

/** The sandbox channel: its inbound side is the native API's `/api/v1/sandbox/…` routes (native-api.md). */
export const sandboxChannel: ChannelModule = { ...sandboxKind };
