import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
export const ID_PATTERN = '^[cC][^\\s-]{8,}$';
const ID_REGEX = new RegExp(ID_PATTERN);

// Random bytes are drawn in blocks: one `randomBytes` call per millisecond cost more than the rest of an id.
const RANDOM_BLOCK = 1000;
let random = Buffer.alloc(0);
let randomAt = 0;
function random10(): Buffer {
  if (randomAt + 10 > random.length) {
    random = randomBytes(RANDOM_BLOCK);
    randomAt = 0;
  }
  randomAt += 10;
  return random.subarray(randomAt - 10, randomAt);
}

let lastMs = 0;
// The 74 random-or-counter bits after the timestamp, as 12 + 30 + 32 bits. The top bit starts clear,
// so increments within one millisecond cannot overflow into the timestamp.
let counterHigh = 0;
let counterMid = 0;
let counterLow = 0;

/**
 * The next 128-bit UUIDv7 as four 32-bit words, least significant first; within one millisecond
 * the tail is incremented so ids strictly increase. Plain numbers: BigInt arithmetic allocated on
 * every step and cost a few per cent of a write-heavy server's time.
 */
function nextUuidV7(words: Uint32Array): void {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    const r = random10();
    counterHigh = ((r[0]! << 8) | r[1]!) & 0x7ff;
    counterMid = r.readUInt32BE(2) & 0x3fffffff;
    counterLow = r.readUInt32BE(6);
  } else if (++counterLow > 0xffffffff) {
    counterLow = 0;
    if (++counterMid > 0x3fffffff) {
      counterMid = 0;
      counterHigh++;
    }
  }
  words[3] = Math.floor(lastMs / 0x10000);
  words[2] = ((lastMs % 0x10000) * 0x10000 + 0x7000 + counterHigh) >>> 0;
  words[1] = (0x80000000 + counterMid) >>> 0;
  words[0] = counterLow;
}

const words = new Uint32Array(4);

/** 26 Crockford base32 characters of the 128-bit value in `words` (130 bits, the top two zero). */
function base32(value: Uint32Array): string {
  let out = '';
  for (let bit = 125; bit >= 0; bit -= 5) {
    const word = bit >>> 5;
    const shift = bit & 31;
    let digit = value[word]! >>> shift;
    if (shift > 27 && word < 3) digit |= value[word + 1]! << (32 - shift);
    out += CROCKFORD[digit & 31];
  }
  return out;
}

/** `c` + 26 lowercase Crockford base32 characters of a monotonic UUIDv7 (spec §3). */
export function newId(): string {
  nextUuidV7(words);
  return `c${base32(words)}`;
}

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_REGEX.test(value);
}

/** A 128-bit random token, url-safe, for unguessable media paths. */
export function randomToken(): string {
  return randomBytes(16).toString('base64url');
}
