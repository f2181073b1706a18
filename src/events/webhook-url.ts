import { isIP } from 'node:net';
import { invalid } from '../domain/errors.ts';
import { isPrivateAddress } from '../net/private-address.ts';

/**
 * Outgoing webhook URLs (spec README §4): only http(s), and never an address inside the server's
 * own networks (private, loopback, link-local, …) unless the server allows private webhooks.
 * Literal addresses are refused when a subscription is saved and again before every send; host
 * names are checked when connecting, against the very addresses connected to
 * (src/net/guarded-lookup.ts), so a host that changes its answer cannot slip past.
 */

function bareHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** What an operator can do about a private target, said where it is refused. */
const ALLOW_HINT = '(for local development, start the server with CONVERSAS_ALLOW_PRIVATE_WEBHOOKS=1)';

/**
 * Why this URL is not an acceptable webhook target, judged without the network: scheme,
 * credentials, literal addresses and `localhost`; null when acceptable. Dialects call it when a
 * subscription is created or its URL changes, and the dispatcher before each send.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  const host = bareHost(url);
  if (host === '') return 'must name a host';
  if (allowPrivate) return null;
  if (isLocalhostName(host)) return `must not point to a loopback host ${ALLOW_HINT}`;
  if (isIP(host) !== 0 && isPrivateAddress(host)) return `must not point to a private, loopback or link-local address ${ALLOW_HINT}`;
  return null;
}

/** `webhookUrlProblem` as a domain validation error on `field`, for subscription create/update. */
export function assertWebhookUrl(raw: string, allowPrivate: boolean, field = 'url'): void {
  const problem = webhookUrlProblem(raw, allowPrivate);
  if (problem) throw invalid(`${field} ${problem}`, 'invalid_webhook_url', field);
}
