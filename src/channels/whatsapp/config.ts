import { randomBytes } from 'node:crypto';
import { invalid } from '../../domain/errors.ts';
import type { ChannelSettings } from '../../domain/channel-kind.ts';
import { webhookUrlProblem } from '../../events/webhook-url.ts';

/** A WhatsApp channel's settings (whatsapp-channel.md §1) as stored. */
export interface WhatsAppConfig {
  phoneNumberId: string;
  wabaId: string | null;
  displayPhoneNumber: string | null;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphApiUrl: string;
  graphApiVersion: string;
  sendReadReceipts: boolean;
  /** Messages per second this channel sends at most (Meta's default throughput is 80). */
  messagesPerSecond: number;
}

export const SECRET_FIELDS = ['accessToken', 'appSecret'] as const;
const TEXT_FIELDS = ['phoneNumberId', 'wabaId', 'displayPhoneNumber', 'accessToken', 'appSecret', 'verifyToken', 'graphApiUrl', 'graphApiVersion'] as const;
const KNOWN = new Set<string>([...TEXT_FIELDS, 'sendReadReceipts', 'messagesPerSecond']);
export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';
const DEFAULT_RATE = 80;

const fail = (field: string, message: string) => invalid(`config.${field} ${message}`, 'validation_failed', `config.${field}`);

/** The config as stored, from a create (`previous` null) or a PATCH, which may change any field (a secret by writing it again). */
export function storedWhatsAppConfig(input: Record<string, unknown>, previous: Record<string, unknown> | null, settings: ChannelSettings): WhatsAppConfig {
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) throw fail(key, 'is not a WhatsApp channel setting');
  const merged: Record<string, unknown> = { ...(previous ?? {}), ...input };
  // A config read back and written whole carries hints, not secrets: the stored secret stays.
  for (const field of SECRET_FIELDS)
    if (previous && typeof input[field] === 'string' && input[field] === secretHint(previous[field])) merged[field] = previous[field];
  for (const field of TEXT_FIELDS) {
    const value = merged[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw fail(field, 'must be a string');
    if (value.trim() === '' || value.length > 4096) throw fail(field, 'must be 1 to 4096 characters');
  }
  for (const field of ['phoneNumberId', 'accessToken', 'appSecret'] as const) if (typeof merged[field] !== 'string') throw fail(field, 'is required');
  if (!/^\d{1,32}$/.test(merged.phoneNumberId as string)) throw fail('phoneNumberId', "must be the number's id from Meta's dashboard (digits)");
  if (merged.wabaId != null && !/^\d{1,32}$/.test(merged.wabaId as string)) throw fail('wabaId', 'must be the WhatsApp Business Account id (digits)');
  const graphApiUrl = ((merged.graphApiUrl as string | undefined) ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
  const urlProblem = webhookUrlProblem(graphApiUrl, settings.allowPrivateUrls);
  if (urlProblem) throw fail('graphApiUrl', urlProblem);
  const graphApiVersion = (merged.graphApiVersion as string | undefined) ?? DEFAULT_GRAPH_API_VERSION;
  if (!/^v\d+\.\d+$/.test(graphApiVersion)) throw fail('graphApiVersion', 'must look like v25.0');
  if (merged.sendReadReceipts != null && typeof merged.sendReadReceipts !== 'boolean') throw fail('sendReadReceipts', 'must be a boolean');
  const rate = merged.messagesPerSecond ?? DEFAULT_RATE;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 1000) throw fail('messagesPerSecond', 'must be an integer from 1 to 1000');
  const verifyToken = (merged.verifyToken as string | undefined) ?? randomBytes(24).toString('base64url');
  return {
    phoneNumberId: merged.phoneNumberId as string,
    wabaId: (merged.wabaId as string | null | undefined) ?? null,
    displayPhoneNumber: (merged.displayPhoneNumber as string | null | undefined) ?? null,
    accessToken: merged.accessToken as string,
    appSecret: merged.appSecret as string,
    verifyToken,
    graphApiUrl,
    graphApiVersion,
    sendReadReceipts: (merged.sendReadReceipts as boolean | null | undefined) ?? true,
    messagesPerSecond: rate,
  };
}

/** A secret as reads show it: its last four characters behind dots. */
export function secretHint(value: unknown): string | null {
  return typeof value === 'string' ? `••••${value.slice(-4)}` : null;
}

export function shownWhatsAppConfig(config: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...config };
  for (const field of SECRET_FIELDS) shown[field] = secretHint(config[field]);
  return shown;
}

export function whatsAppConfigOf(config: Record<string, unknown>): WhatsAppConfig {
  return config as unknown as WhatsAppConfig;
}
