/**
 * Which kind of network a URL's host is on, the way browsers sort addresses for their
 * local-network protections (Chrome's Local Network Access, formerly Private Network Access):
 * a page from a public address may not frame a page on a private or loopback address, which
 * is how a cloud Manage framing a Deskbell on 10.x.x.x ends in
 * ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS. Names cannot be sorted without DNS; the ones
 * that only a local network can resolve (single labels, .local, .internal, ...) are flagged.
 * Pure: no DNS, no server-only.
 */

export type AddressSpace =
  | { space: 'loopback'; kind: 'loopback'; words: string }
  | { space: 'private'; kind: 'private' | 'link-local' | 'shared' | 'local-name'; words: string }
  | { space: 'public'; kind: 'public' | 'name'; words: string };

/** Suffixes that public DNS never answers: mDNS, the reserved home/internal names, common LAN habits. */
const LOCAL_NAME_SUFFIXES = ['.local', '.internal', '.lan', '.home.arpa', '.intranet', '.corp', '.home', '.localdomain', '.private'];

function parseIpv4(host: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return null;
  const parts = match.slice(1).map(Number);
  return parts.every((part) => part <= 255) ? parts : null;
}

/** The eight 16-bit groups of an IPv6 address (URL hostnames are already normalised), or null. */
function parseIpv6(host: string): number[] | null {
  if (!host.includes(':')) return null;
  let text = host;
  // An IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (tail) {
    const v4 = parseIpv4(tail[1]!);
    if (!v4) return null;
    text = `${text.slice(0, -tail[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null;
  return groups.map((group) => parseInt(group, 16));
}

function classifyIpv4(host: string, [a, b]: number[]): AddressSpace {
  if (a === 127 || a === 0) return { space: 'loopback', kind: 'loopback', words: `${host} is a loopback address (each computer's own)` };
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) {
    return { space: 'private', kind: 'private', words: `${host} is a private network address (only computers inside your network reach it)` };
  }
  if (a === 169 && b === 254) {
    return { space: 'private', kind: 'link-local', words: `${host} is a link-local address (only computers on the same network segment reach it)` };
  }
  if (a === 100 && b! >= 64 && b! <= 127) {
    return {
      space: 'private',
      kind: 'shared',
      words: `${host} is a shared address (carrier-grade NAT or an overlay network such as Tailscale; not reachable from the internet)`,
    };
  }
  return { space: 'public', kind: 'public', words: `${host} is a public address` };
}

/** Sorts a URL's hostname (as `new URL(..).hostname` gives it, IPv6 in brackets or not). */
export function classifyAddressSpace(hostname: string): AddressSpace {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const v4 = parseIpv4(host);
  if (v4) return classifyIpv4(host, v4);
  const v6 = parseIpv6(host);
  if (v6) {
    const mapped = v6.slice(0, 5).every((group) => group === 0) && v6[5] === 0xffff;
    if (mapped) {
      const inner = [v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff];
      return classifyIpv4(hostname, inner);
    }
    if (v6.slice(0, 7).every((group) => group === 0) && (v6[7] === 1 || v6[7] === 0)) {
      return { space: 'loopback', kind: 'loopback', words: `${hostname} is a loopback address (each computer's own)` };
    }
    if ((v6[0]! & 0xfe00) === 0xfc00) {
      return { space: 'private', kind: 'private', words: `${hostname} is a private (unique local) IPv6 address (only computers inside your network reach it)` };
    }
    if ((v6[0]! & 0xffc0) === 0xfe80) {
      return { space: 'private', kind: 'link-local', words: `${hostname} is a link-local address (only computers on the same network segment reach it)` };
    }
    return { space: 'public', kind: 'public', words: `${hostname} is a public address` };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return { space: 'loopback', kind: 'loopback', words: `${host} is a loopback address (each computer's own)` };
  }
  if (!host.includes('.') || LOCAL_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return {
      space: 'private',
      kind: 'local-name',
      words: `${host} is a name that only computers inside your network can look up`,
    };
  }
  return { space: 'public', kind: 'name', words: `${host} is a name` };
}
