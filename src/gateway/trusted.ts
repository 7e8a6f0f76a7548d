/** Which client addresses are trusted (`--trusted-clients CIDR,…`), and whether a listen address is loopback. */
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors';

/** A matcher for a list of CIDRs (a bare address is one host); IPv4-mapped IPv6 clients match IPv4 ranges. */
export function trustedMatcher(cidrs: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits, extra] = cidr.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!family || extra !== undefined || !/^\d*$/.test(bits ?? '') || !(prefix >= 0 && prefix <= max)) {
      throw new UsageError(`--trusted-clients: '${cidr}' is not an address or CIDR`, 'for example 127.0.0.0/8,::1/128,10.0.0.0/24');
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

const isLoopbackAddress = trustedMatcher(['127.0.0.0/8', '::1/128']);

/** A listen address reachable only from this host. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host.replace(/^\[(.*)\]$/, '$1'));
}
