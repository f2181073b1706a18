import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockedAddressError, guardedAgents, guardedLookup, resolveAll, type OutboundPolicy, type ResolveAll } from '../../src/net/guarded-lookup.ts';
import { isPrivateAddress } from '../../src/net/private-address.ts';

const fakeDns =
  (table: Record<string, string[]>): ResolveAll =>
  async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

type Looked = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function look(lookup: LookupFunction, host: string, options: LookupOptions = {}): Promise<Looked> {
  return new Promise((resolve) => lookup(host, options, (error, address, family) => resolve({ error, address, family })));
}

const dns = fakeDns({
  'internal.example': ['10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.216.34', '::1'],
  'v6local.example': ['fd00::5'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'empty.example': [],
});

test('a host with any private, loopback or link-local address is refused, naming the address', async () => {
  const lookup = guardedLookup({ allowPrivate: false, resolve: dns });
  for (const [host, address] of [
    ['internal.example', '10.0.0.5'],
    ['metadata.example', '169.254.169.254'],
    ['mixed.example', '::1'],
    ['v6local.example', 'fd00::5'],
    ['nat64.example', '64:ff9b::a9fe:a9fe'],
  ]) {
    const { error } = await look(lookup, host, { all: true });
    assert.ok(error instanceof BlockedAddressError, host);
    assert.equal(error.message, `host ${host} resolves to ${address}, a private, loopback or link-local address`);
    assert.equal(error.code, 'ERR_BLOCKED_ADDRESS');
  }
});

test('a public host gets exactly the addresses resolved, in the form net asks for', async () => {
  const lookup = guardedLookup({ allowPrivate: false, resolve: dns });
  assert.deepEqual((await look(lookup, 'public.example', { all: true })).address, [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
  ]);
  assert.deepEqual(await look(lookup, 'public.example', {}), { error: null, address: '93.184.216.34', family: 4 });
  assert.deepEqual(await look(lookup, 'public.example', { family: 6 }), { error: null, address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 });
});

test('allowPrivate hands private addresses over', async () => {
  const lookup = guardedLookup({ allowPrivate: true, resolve: dns });
  assert.deepEqual(await look(lookup, 'internal.example', {}), { error: null, address: '10.0.0.5', family: 4 });
});

test('an unresolvable host is an error that says so, not a crash', async () => {
  const lookup = guardedLookup({ allowPrivate: false, resolve: dns });
  const missing = await look(lookup, 'nowhere.example', { all: true });
  assert.match(missing.error!.message, /^host nowhere\.example could not be resolved: getaddrinfo ENOTFOUND/);
  assert.equal(missing.error!.code, 'ENOTFOUND');
  const empty = await look(lookup, 'empty.example', { all: true });
  assert.match(empty.error!.message, /could not be resolved/);
  assert.equal((await look(lookup, 'internal.example', { family: 6 })).error?.name, 'BlockedAddressError');
});

test('the system resolver reports loopback addresses for localhost', async () => {
  const addresses = await resolveAll('localhost');
  assert.ok(addresses.length > 0);
  for (const address of addresses) assert.equal(isPrivateAddress(address), true, address);
});

// A real receiver on loopback: whatever reaches it was connected to.
let server: http.Server;
let port = 0;
const received: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    received.push(`${req.headers.host} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function get(url: string, policy: OutboundPolicy): Promise<number> {
  const agents = guardedAgents(policy);
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: agents['http:'] }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

test('DNS rebinding: a host that answered a public address earlier and a private one now is refused, and nothing connects', async () => {
  let calls = 0;
  const rebinding: ResolveAll = async () => (++calls === 1 ? ['93.184.216.34'] : ['127.0.0.1']);
  // The earlier resolution, as a separate check before sending used to make.
  assert.deepEqual(await rebinding('hooks.example'), ['93.184.216.34']);
  const before = received.length;
  await assert.rejects(get(`http://hooks.example:${port}/rebound`, { allowPrivate: false, resolve: rebinding }), (error: unknown) => {
    assert.ok(error instanceof BlockedAddressError);
    assert.equal(error.message, 'host hooks.example resolves to 127.0.0.1, a private, loopback or link-local address');
    return true;
  });
  assert.equal(received.length, before, 'the receiver got nothing');
  assert.equal(calls, 2, 'one resolution for the connection, the one that was checked');
});

test('the connection goes to exactly the address the lookup checked, not to a second resolution', async () => {
  // hooks.example resolves nowhere on this machine: only the injected answer can reach the receiver.
  const resolve = fakeDns({ 'hooks.example': ['127.0.0.1'] });
  assert.equal(await get(`http://hooks.example:${port}/checked`, { allowPrivate: true, resolve }), 200);
  assert.equal(received.at(-1), `hooks.example:${port} /checked`);
});

test('a literal private address is refused by the agent without resolving or connecting; allowPrivate lets it through', async () => {
  let calls = 0;
  const counting: ResolveAll = async () => {
    calls++;
    return ['93.184.216.34'];
  };
  const before = received.length;
  for (const url of [`http://127.0.0.1:${port}/literal`, `http://[::1]:${port}/literal`]) {
    await assert.rejects(get(url, { allowPrivate: false, resolve: counting }), (error: unknown) => {
      assert.ok(error instanceof BlockedAddressError, url);
      assert.match(error.message, /is a private, loopback or link-local address$/);
      return true;
    });
  }
  assert.equal(received.length, before);
  assert.equal(calls, 0);
  assert.equal(await get(`http://127.0.0.1:${port}/literal`, { allowPrivate: true, resolve: counting }), 200);
  assert.equal(received.length, before + 1);
});
