/**
 * A minimal MaxMind DB (MMDB, format 2.0) writer for tests: an IPv4 search tree with 24-bit records and a data
 * section of maps holding strings and unsigned integers, enough for a GeoLite2-ASN- or country-shaped file
 * that maps loopback addresses (which no real database covers) to made-up facts.
 */
export type MmdbValue = string | number | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** IPv4 CIDR, e.g. `127.0.0.42/32`. Networks must not overlap. */
  network: string;
  data: { [key: string]: MmdbValue };
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const first = (extended ? 0 : type << 5) & 0xff;
  const tail = extended ? [type - 7] : [];
  if (size < 29) return Buffer.from([first | size, ...tail]);
  if (size < 285) return Buffer.from([first | 29, ...tail, size - 29]);
  const rest = size - 285;
  return Buffer.from([first | 30, ...tail, rest >> 8, rest & 0xff]);
}

function unsigned(type: number, value: number | bigint): Buffer {
  const bytes: number[] = [];
  for (let rest = BigInt(value); rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

function encode(value: MmdbValue | MmdbValue[] | bigint): Buffer {
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, text.length), text]);
  }
  if (typeof value === 'bigint') return unsigned(9, value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`not a uint32: ${value}`);
    return unsigned(6, value);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([key, item]) => [encode(key), encode(item)])]);
}

function parseNetwork(cidr: string): { address: number; bits: number } {
  const [ip = '', bitsText = '32'] = cidr.split('/');
  const octets = ip.split('.').map(Number);
  const bits = Number(bitsText);
  if (octets.length !== 4 || octets.some((octet) => !(octet >= 0 && octet <= 255)) || !(bits >= 1 && bits <= 32))
    throw new Error(`not an IPv4 network: ${cidr}`);
  return { address: octets.reduce((sum, octet) => sum * 256 + octet, 0), bits };
}

/** Builds the file's bytes; read it with the `maxmind` package's Reader like any MMDB. */
export function buildMmdb(networks: readonly MmdbNetwork[], databaseType = 'GeoLite2-ASN'): Buffer {
  // A record is a node index, EMPTY, or a data offset; node 0 is the root.
  type Slot = { node: number } | { data: number } | null;
  const nodes: Array<[Slot, Slot]> = [[null, null]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const { network, data: value } of networks) {
    const { address, bits } = parseNetwork(network);
    const encoded = encode(value);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    let node = 0;
    for (let depth = 0; depth < bits; depth += 1) {
      const bit = (Math.floor(address / 2 ** (31 - depth)) % 2) as 0 | 1;
      const pair = nodes[node] as [Slot, Slot];
      if (depth === bits - 1) {
        if (pair[bit] !== null) throw new Error(`${network} overlaps another network`);
        pair[bit] = { data: offset };
      } else {
        let next = pair[bit];
        if (next === null) {
          next = { node: nodes.push([null, null]) - 1 };
          pair[bit] = next;
        }
        if (!('node' in next)) throw new Error(`${network} overlaps another network`);
        node = next.node;
      }
    }
  }
  const nodeCount = nodes.length;
  const record = (slot: Slot) => (slot === null ? nodeCount : 'node' in slot ? slot.node : nodeCount + 16 + slot.data);
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach(([left, right], index) => {
    tree.writeUIntBE(record(left), index * 6, 3);
    tree.writeUIntBE(record(right), index * 6 + 3, 3);
  });
  const metadata = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    database_type: databaseType,
    description: { en: 'test database' },
    ip_version: 4,
    node_count: nodeCount,
    record_size: 24,
  });
  // build_epoch (uint64) and languages (array) are added by hand: MmdbValue has neither type.
  const fixed = Buffer.concat([
    control(7, 9),
    metadata.subarray(1),
    encode('build_epoch'),
    encode(BigInt(Math.floor(Date.now() / 1000))),
    encode('languages'),
    encode([]),
  ]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, fixed]);
}
