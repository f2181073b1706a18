import { startHarness, call, type Harness } from '../../helpers/harness.ts';
import { FakeGraph } from '../../helpers/fake-graph.ts';
import { metaEnvelope, type ValuePart } from './meta-payloads.ts';
import { graphClient } from '../../../src/channels/whatsapp/graph-client.ts';
import { whatsAppOutbox } from '../../../src/channels/whatsapp/workers.ts';
import { receiveInbound } from '../../../src/domain/inbound.ts';
import type { ChannelOutbox } from '../../../src/channels/channel-outbox.ts';

export const PHONE_NUMBER_ID = '106540352242922';
export const APP_SECRET = 's3cret';

/** The setup's channel as the webhook helpers sign for it. */
export const signedChannel = (s: WhatsAppSetup) => ({ id: s.channelId, appSecret: APP_SECRET });
/** A Meta webhook body for the setup's number. */
export const metaBody = (parts: ValuePart | ValuePart[]) => metaEnvelope(PHONE_NUMBER_ID, parts);

/** A harness with the WhatsApp channel module, a fake Graph API, a WhatsApp channel on it and an outbox run by hand. */
export interface WhatsAppSetup {
  h: Harness;
  fake: FakeGraph;
  channelId: string;
  outbox: (options?: { batchSize?: number }) => ChannelOutbox;
  close(): Promise<void>;
}

export async function startWhatsApp(): Promise<WhatsAppSetup> {
  const fake = await FakeGraph.start();
  const h = await startHarness();
  const created = await call(h, 'POST', '/api/v1/channels', {
    body: {
      inboxId: h.ws.inboxId,
      kind: 'whatsapp',
      name: 'WhatsApp',
      config: { phoneNumberId: PHONE_NUMBER_ID, accessToken: 'EAAG-test', appSecret: APP_SECRET, graphApiUrl: fake.url, graphApiVersion: 'v25.0' },
    },
  });
  if (created.status !== 201) throw new Error(`channel create failed: ${created.status} ${created.body}`);
  const graph = graphClient({ allowPrivate: true, timeoutMs: 3000 });
  return {
    h,
    fake,
    channelId: created.json.id,
    outbox: (options = {}) => whatsAppOutbox({ ctx: h.ctx, media: h.app.media, publicUrl: h.config.publicUrl, graph }, options),
    close: async () => {
      await h.close();
      await fake.close();
    },
  };
}

let counter = 0;
/** A person writes on the channel (so the 24-hour window is open); returns the conversation and the inbound message. */
export async function personWrites(s: WhatsAppSetup, options: { phone?: string; wamid?: string; text?: string } = {}) {
  const n = ++counter;
  return receiveInbound(s.h.ctx, {
    workspaceId: s.h.ws.workspaceId,
    channelId: s.channelId,
    from: { phone: options.phone ?? `55119876${String(n).padStart(5, '0')}`, name: 'Maria' },
    message: { type: 'text', text: options.text ?? 'Olá', externalId: options.wamid ?? `wamid.IN${n}` },
  });
}

/** An agent message through the native API; returns the stored message. */
export async function agentSends(s: WhatsAppSetup, conversationId: string, body: Record<string, unknown>) {
  const res = await call(s.h, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${res.body}`);
  return res.json;
}

/** A message as the native API shows it now. */
export async function messageNow(s: WhatsAppSetup, conversationId: string, messageId: string) {
  const res = await call(s.h, 'GET', `/api/v1/conversations/${conversationId}/messages`, { query: { limit: '100' } });
  return res.json.data.find((m: { id: string }) => m.id === messageId);
}

/** The job rows still queued. */
export async function jobsLeft(s: WhatsAppSetup) {
  return s.h.ctx.db.selectFrom('channel_jobs').selectAll().orderBy('order_at').orderBy('id').execute();
}
