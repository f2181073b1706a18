import type { Modules } from './contract.ts';
import { nativeDialect } from '../dialects/native/index.ts';
import { jurichatDialect } from '../dialects/jurichat/index.ts';
import { jelouDialect } from '../dialects/jelou/index.ts';
import { sandboxChannel } from '../channels/sandbox/index.ts';
import { whatsappChannel } from '../channels/whatsapp/index.ts';

/** Every dialect and channel this server speaks: a new one is a folder and a line here. */
export const MODULES: Modules = {
  dialects: [nativeDialect, jurichatDialect, jelouDialect],
  channels: [sandboxChannel, whatsappChannel],
};
