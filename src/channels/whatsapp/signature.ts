import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Whether `X-Hub-Signature-256` is `sha256=` + the HMAC-SHA256 of the raw body keyed with the app
 * secret (vendor notes §4). The bytes must be the ones received: re-serialised JSON would not match.
 */
export function validSignature(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (typeof header !== 'string' || appSecret === '') return false;
  const match = HEADER.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', Buffer.from(appSecret, 'utf8')).update(raw).digest();
  // Both are 32 bytes once the header matched, but timingSafeEqual throws on a length mismatch.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
