import type { Config } from '../config.ts';
import type { Store } from '../db/connect.ts';
import type { Ctx } from '../domain/context.ts';
import type { WebhookFormat } from '../events/webhook-formats.ts';
import type { Modules } from './contract.ts';
import { registerServiceWindows } from '../domain/service-window.ts';

/** The domain's context for a store and the modules the app serves. */
export function contextOf(store: Store, config: Pick<Config, 'allowPrivateWebhooks' | 'publicUrl'>, modules: Modules): Ctx {
  registerServiceWindows(modules.channels);
  return {
    db: store.db,
    engine: store.engine,
    quirks: store.quirks,
    transact: store.transact,
    channelKinds: new Map(modules.channels.map((channel) => [channel.kind, channel])),
    webhookFormats: webhookFormatsOf(modules),
    channelSettings: { allowPrivateUrls: config.allowPrivateWebhooks, publicUrl: config.publicUrl },
  };
}

export function webhookFormatsOf(modules: Modules): ReadonlyMap<string, WebhookFormat> {
  return new Map(modules.dialects.flatMap((d) => (d.webhookFormat ? [[d.name, d.webhookFormat] as const] : [])));
}
