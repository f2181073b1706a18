import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, Socket, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { isPrivateAddress } from './private-address.ts';

/**
 * Outbound connections that cannot be steered into the server's own networks. The address check
 * happens where the socket connects: the host is resolved once, every address is judged, and the
 * socket gets exactly the addresses judged. Checking first and letting the HTTP client resolve
 * again would let a host answer a public address to the check and a private one to the connection
 * (DNS rebinding).
 */

/** Every address a host name resolves to, IPv4 and IPv6, in the resolver's order. */
export type ResolveAll = (hostname: string) => Promise<string[]>;

export const resolveAll: ResolveAll = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface OutboundPolicy {
  /** Private, loopback and link-local addresses may be reached (tests, local development). */
  allowPrivate: boolean;
  /** How host names are resolved; the system resolver unless a test injects one. */
  resolve?: ResolveAll;
}

/** A connection refused because of the address it would reach; nothing was sent. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'ERR_BLOCKED_ADDRESS';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      host === address
        ? `${address} is a private, loopback or link-local address`
        : `host ${host} resolves to ${address}, a private, loopback or link-local address`,
    );
  }
}

function familyOf(option: number | 'IPv4' | 'IPv6' | undefined): number {
  if (option === 'IPv4') return 4;
  if (option === 'IPv6') return 6;
  return option ?? 0;
}

/**
 * A `lookup` for net, tls, http and https: refuses the host when any address it resolves to is
 * private (unless the policy allows it), otherwise hands over exactly those addresses.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  const resolve = policy.resolve ?? resolveAll;
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const blocked = policy.allowPrivate ? undefined : found.find(isPrivateAddress);
        if (blocked !== undefined) return callback(new BlockedAddressError(hostname, blocked), '');
        const family = familyOf(options.family);
        const usable = found
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => entry.family !== 0 && (family === 0 || entry.family === family));
        if (usable.length === 0)
          return callback(Object.assign(new Error(`host ${hostname} could not be resolved: no usable address`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => {
        callback(Object.assign(new Error(`host ${hostname} could not be resolved: ${error.message}`), { code: error.code }), '');
      },
    );
  };
}

/** Literal addresses never reach `lookup` (net connects to them directly): judged here instead. */
function literalRefusal(policy: OutboundPolicy, host: string | null | undefined): BlockedAddressError | null {
  if (policy.allowPrivate || !host || isIP(host.replace(/^\[|\]$/g, '')) === 0 || !isPrivateAddress(host)) return null;
  return new BlockedAddressError(host, host);
}

/** A socket that fails at once with `error`: how an agent refuses a connection without making one. */
function refusedSocket(error: Error): Duplex {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(error));
  return socket;
}

class GuardedHttpAgent extends http.Agent {
  constructor(
    private readonly policy: OutboundPolicy,
    options: http.AgentOptions,
  ) {
    super({ ...options, lookup: guardedLookup(policy) });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const refused = literalRefusal(this.policy, options.host);
    return refused ? refusedSocket(refused) : super.createConnection(options, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    private readonly policy: OutboundPolicy,
    options: https.AgentOptions,
  ) {
    super({ ...options, lookup: guardedLookup(policy) });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const refused = literalRefusal(this.policy, options.host);
    return refused ? refusedSocket(refused) : super.createConnection(options, callback);
  }
}

export interface GuardedAgents {
  'http:': http.Agent;
  'https:': https.Agent;
}

/**
 * http and https agents whose every new connection passes the policy. A pooled keep-alive socket
 * was checked when it connected. The agent's `lookup` wins over a request's own.
 */
export function guardedAgents(policy: OutboundPolicy, options: http.AgentOptions = {}): GuardedAgents {
  return { 'http:': new GuardedHttpAgent(policy, options), 'https:': new GuardedHttpsAgent(policy, options) };
}
