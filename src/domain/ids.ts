import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
export const ID_PATTERN = '^[cC][^\\s-]{8,}$';
const ID_REGEX = new RegExp(ID_PATTERN);

let lastMs = 0;
let counter = 0n; // 74 random-or-counter bits after the timestamp

/** 128-bit UUIDv7 as a bigint; within one millisecond the tail is incremented so ids strictly increase. */
function nextUuidV7(): bigint {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    const r = randomBytes(10);
    // keep the top bit of the 74-bit counter clear so increments cannot overflow into the timestamp
    counter = BigInt(`0x${r.toString('hex')}`) & ((1n << 73n) - 1n);
  } else {
    counter += 1n;
  }
  const randA = (counter >> 62n) & 0xfffn; // 12 bits
  const randB = counter & ((1n << 62n) - 1n); // 62 bits
  return (BigInt(lastMs) << 80n) | (0x7n << 76n) | (randA << 64n) | (0x2n << 62n) | randB;
}

function base32(value: bigint): string {
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** `c` + 26 lowercase Crockford base32 characters of a monotonic UUIDv7 (spec §3). */
export function newId(): string {
  return `c${base32(nextUuidV7())}`;
}

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_REGEX.test(value);
}

/** A 128-bit random token, url-safe, for unguessable media paths. */
export function randomToken(): string {
  return randomBytes(16).toString('base64url');
}
