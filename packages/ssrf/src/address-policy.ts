import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** NAT64 well-known prefix 64:ff9b::/96: the low 32 bits are the IPv4 destination. */
const NAT64 = ipaddr.IPv6.parse('64:ff9b::');
/** ::/96, IPv4-compatible addresses (deprecated, but some stacks still route them to the embedded IPv4). */
const IPV4_COMPATIBLE = ipaddr.IPv6.parse('::');

function lowIPv4(address: IPv6): IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
}

/**
 * Only plain global unicast counts as public. ipaddr.js names every special range (loopback, private,
 * link-local incl. 169.254.169.254, CGNAT, multicast, broadcast, unspecified, benchmarking, AS112, AMT and the
 * reserved ranges, which include the documentation TEST-NETs 192.0.2/24, 198.51.100/24, 203.0.113/24):
 * anything not `unicast` is refused. TEST-NET addresses are therefore not public here, even though the
 * parsers' unit tests use them freely as sample data (parsers do not apply this policy; the scraper does).
 */
function isPublicIPv4(address: IPv4): boolean {
  return address.range() === 'unicast';
}

/** IPv6 forms that carry an IPv4 destination are judged by that IPv4; other special ranges are refused. */
function isPublicIPv6(address: IPv6): boolean {
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || address.match(NAT64, 96)) {
    return isPublicIPv4(lowIPv4(address));
  }
  if (range === '6to4') {
    const bytes = address.toByteArray();
    return isPublicIPv4(new ipaddr.IPv4(bytes.slice(2, 6)));
  }
  if (address.match(IPV4_COMPATIBLE, 96)) return false;
  return range === 'unicast';
}

/**
 * True when `ip` is an address a server on the public internet may have. False for loopback, private,
 * link-local (cloud metadata), CGNAT, multicast, broadcast, unspecified, reserved and documentation ranges,
 * IPv6 loopback, unique-local and link-local, and for anything that is not an IP address at all.
 * IPv4-mapped (`::ffff:127.0.0.1`), NAT64 and 6to4 addresses are judged by the IPv4 they embed.
 */
export function isPublicAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(text)) return false;
  const address = ipaddr.parse(text);
  return address.kind() === 'ipv4' ? isPublicIPv4(address as IPv4) : isPublicIPv6(address as IPv6);
}
