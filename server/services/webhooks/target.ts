import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// SSRF defence (§14): a webhook never reaches the hub's own network. Every address a name resolves to is
// checked, and the connection goes to the address checked (sender.ts hands it to the socket), so a name
// that resolves differently a moment later (DNS rebinding) changes nothing. Redirects are not followed.
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, `::ffff:7f00:1`) stands for, else null. */
function mappedIpv4(address: string): string | null {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address a webhook may not reach: private, loopback, link-local, unspecified, multicast, reserved. */
export function isPrivateAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 4) return BLOCKED.check(plain, 'ipv4');
  if (family !== 6) return true;
  const v4 = mappedIpv4(plain);
  return v4 ? BLOCKED.check(v4, 'ipv4') : BLOCKED.check(plain, 'ipv6');
}

/** Why a webhook URL is refused, or null when it may be stored (its address is checked again at each delivery). */
export function refuseUrl(url: URL, allowPrivate: boolean): string | null {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'url: must be an https:// URL';
  if (url.username || url.password) return 'url: must not carry a user name or password';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (isIP(host) ? isPrivateAddress(host) : host === 'localhost' || host.endsWith('.localhost'))) {
    return 'url: must not point to a private, loopback or link-local address';
  }
  return null;
}

/** A checked address to connect to. */
export interface Target {
  address: string;
  family: 4 | 6;
}

/** Resolves `hostname` and answers an address that may be reached; throws when every address is refused. */
export async function resolveTarget(hostname: string, allowPrivate: boolean): Promise<Target> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const found = isIP(host) ? [{ address: host, family: isIP(host) }] : await dnsLookup(host, { all: true, verbatim: true });
  // One refused address refuses the name: a name that mixes public and private answers is an attack.
  if (!allowPrivate && found.some((a) => isPrivateAddress(a.address))) throw new Error('the address is private, loopback or link-local');
  const first = found[0];
  if (!first) throw new Error('the name does not resolve');
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
