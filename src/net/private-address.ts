import { isIP } from 'node:net';

/**
 * The addresses an outbound connection must not reach unless the server allows private targets:
 * private, loopback, link-local, carrier-grade NAT, multicast, reserved, and IPv6 forms that carry
 * such an IPv4 address inside (mapped, compatible, NAT64, 6to4).
 */

type Range = readonly [base: bigint, prefix: number];

const V4_BLOCKED: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata endpoints live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const V6_BLOCKED: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still private)
  ['ff00::', 8], // multicast
];

const v4Ranges: Range[] = V4_BLOCKED.map(([a, p]) => [parseIPv4(a)!, p]);
const v6Ranges: Range[] = V6_BLOCKED.map(([a, p]) => [parseIPv6(a)!, p]);

function inRange(value: bigint, bits: number, [base, prefix]: Range): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === base >> shift;
}

function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  let address = text.toLowerCase();
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  let tail: bigint | null = null;
  const lastColon = address.lastIndexOf(':');
  if (address.slice(lastColon + 1).includes('.')) {
    tail = parseIPv4(address.slice(lastColon + 1));
    if (tail === null) return null;
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tail !== null) value = (value & ~0xffffffffn) | tail;
  return value;
}

function v4IsBlocked(value: bigint): boolean {
  return v4Ranges.some((range) => inRange(value, 32, range));
}

function v6IsBlocked(value: bigint): boolean {
  if (v6Ranges.some((range) => inRange(value, 128, range))) return true;
  const low32 = value & 0xffffffffn;
  // Addresses that carry an IPv4 address inside are judged by that address.
  if (value >> 32n === 0xffffn) return v4IsBlocked(low32); // ::ffff:a.b.c.d, IPv4-mapped
  if (value >> 32n === 0n) return v4IsBlocked(low32); // ::a.b.c.d, IPv4-compatible (deprecated)
  if (value >> 32n === 0x64ff9b0000000000000000n) return v4IsBlocked(low32); // 64:ff9b::/96, NAT64
  if (value >> 112n === 0x2002n) return v4IsBlocked((value >> 80n) & 0xffffffffn); // 2002::/16, 6to4
  return false;
}

/**
 * Is this IP address (v4 or v6, brackets and zone allowed) one an outbound connection must not reach?
 * Anything that is not an IP address at all answers false.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = (address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address).split('%')[0];
  const family = isIP(bare);
  if (family === 4) return v4IsBlocked(parseIPv4(bare)!);
  if (family === 6) {
    const value = parseIPv6(bare);
    return value === null ? true : v6IsBlocked(value);
  }
  return false;
}
