import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * The guard on every outgoing request whose URL a user chose (a link in a post, a webhook URL):
 * private, loopback, link-local and reserved addresses are refused on the URL's literal, on what
 * DNS returns, and on the address actually connected to (so DNS rebinding cannot sneak past),
 * unless `allowPrivateAddresses` (tests, a sandbox, an intranet install).
 */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
}

/**
 * Addresses never connected to: loopback, private (RFC 1918, ULA), link-local, CGNAT,
 * benchmarking, unspecified, multicast and reserved ranges; and, conservatively, every IPv6 form
 * that embeds an IPv4 address (mapped, compatible, NAT64, 6to4), whatever address it embeds.
 */
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules (as mapped addresses).
const PRIVATE_V4 = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_V4.addSubnet(address, prefix, 'ipv4');
}
const PRIVATE_V6 = new net.BlockList();
for (const [address, prefix] of [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_V6.addSubnet(address, prefix, 'ipv6');
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return PRIVATE_V4.check(ip, 'ipv4');
  if (net.isIPv6(ip)) return PRIVATE_V6.check(ip, 'ipv6');
  return true; // not an address: refuse rather than guess
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0)
        return callback(new RefusedAddressError(`${hostname} resolves only to private addresses`), '');
      if (options.all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

export interface GuardedRequestOptions {
  allowPrivateAddresses: boolean;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * One HTTP(S) request under the guard; resolves with the response (its body unread). Throws
 * RefusedAddressError for a refused address, before anything is sent to it.
 */
export function guardedRequest(url: URL, options: GuardedRequestOptions): Promise<http.IncomingMessage> {
  const allowPrivate = options.allowPrivateAddresses;
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new RefusedAddressError(`${url.protocol} URLs are not fetched`));
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  // WHATWG URL parsing already turned every IPv4 spelling (decimal, hex, short) into dotted form.
  if (net.isIP(literal) && !allowPrivate && isPrivateAddress(literal))
    return Promise.reject(new RefusedAddressError(`${literal} is a private address`));
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        lookup: guardedLookup(allowPrivate) as never,
        signal: options.signal,
      },
      resolve,
    );
    // Belt and braces: the address actually connected to must be public too. A kept-alive socket
    // that is reused is connected already and never emits 'connect' again: checked at once (a
    // listener added to it per request would pile up, holding each request, until it closed).
    request.on('socket', (socket) => {
      const check = () => {
        if (!allowPrivate && socket.remoteAddress && isPrivateAddress(socket.remoteAddress))
          request.destroy(new RefusedAddressError(`${socket.remoteAddress} is a private address`));
      };
      if (socket.connecting) socket.once('connect', check);
      else check();
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
