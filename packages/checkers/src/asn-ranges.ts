import { isIPv4, isIPv6 } from 'node:net';

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;
const DOT = 0x2e;

/** One autonomous system: its number and the organisation that runs it (null when the data names none). */
export interface AsnRecord {
  asn: number;
  org: string | null;
}

/**
 * Address ranges of one family, sorted and disjoint. An address is `width` unsigned 32-bit words, most
 * significant first (1 for IPv4, 4 for IPv6); range i spans words [i·width, (i+1)·width) of `starts` and `ends`
 * (inclusive), and `record[i]` indexes the AS records.
 */
interface Ranges {
  width: number;
  starts: Uint32Array;
  ends: Uint32Array;
  record: Uint32Array;
}

/** Sign of (the `width` words at `offset` in `keys`) − (those at `at` in `address`). */
function compare(keys: Uint32Array, offset: number, address: ArrayLike<number>, width: number, at = 0): number {
  for (let word = 0; word < width; word += 1) {
    const difference = (keys[offset + word] as number) - (address[at + word] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

function findRange(ranges: Ranges, address: ArrayLike<number>): number | undefined {
  const { width } = ranges;
  let low = 0;
  let high = ranges.record.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (compare(ranges.starts, middle * width, address, width) > 0) high = middle - 1;
    else if (compare(ranges.ends, middle * width, address, width) < 0) low = middle + 1;
    else return ranges.record[middle];
  }
  return undefined;
}

/** A dotted IPv4 address as an unsigned 32-bit number; NaN when it is not one. */
export function ipv4Number(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return Number.NaN;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (part === '' || !Number.isInteger(octet) || octet < 0 || octet > 255) return Number.NaN;
    value = value * 256 + octet;
  }
  return value;
}

/** An IPv6 address (any textual form, embedded IPv4 included) as four 32-bit words; null when it is not one. */
export function ipv6Words(ip: string): number[] | null {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = ipv4Number(text.slice(lastColon + 1));
    if (Number.isNaN(v4)) return null;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const bytes = Buffer.from(text, 'latin1');
  return hexGroups(bytes, 0, bytes.length);
}

/** The hexadecimal digit a byte stands for, -1 for any other byte. */
function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Colon-separated hexadecimal groups (`::` once at most) in bytes [from, to) as four words; null if malformed. */
function hexGroups(bytes: Buffer, from: number, to: number): number[] | null {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let index = from;
  if (to - from >= 2 && bytes[from] === COLON && bytes[from + 1] === COLON) {
    groups = tail;
    index += 2;
  }
  while (index < to) {
    let value = 0;
    let digits = 0;
    for (; index < to && bytes[index] !== COLON; index += 1) {
      const digit = hexDigit(bytes[index] as number);
      if (digit < 0 || digits === 4) return null;
      value = value * 16 + digit;
      digits += 1;
    }
    if (digits === 0) return null;
    groups.push(value);
    if (index === to) break;
    index += 1;
    if (bytes[index] === COLON) {
      if (groups === tail) return null;
      groups = tail;
      index += 1;
    } else if (index === to) return null;
  }
  const missing = 8 - head.length - tail.length;
  if (groups === head ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  return [0, 2, 4, 6].map((group) => (all[group] as number) * 65536 + (all[group + 1] as number));
}

/** The decimal number in bytes [from, to); NaN when they hold anything but digits (or nothing). */
function decimal(csv: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 10) return Number.NaN;
  let value = 0;
  for (let index = from; index < to; index += 1) {
    const digit = (csv[index] as number) - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** A dotted IPv4 address in bytes [from, to) as one word; null when it is not one. */
function dottedQuad(csv: Buffer, from: number, to: number): [number] | null {
  let value = 0;
  let start = from;
  for (let part = 0; part < 4; part += 1) {
    let end = part === 3 ? to : csv.indexOf(DOT, start);
    if (end === -1 || end > to) end = to;
    const octet = decimal(csv, start, end);
    if (!(octet <= 255) || (part < 3 && end === to)) return null;
    value = value * 256 + octet;
    start = end + 1;
  }
  return [value];
}

/**
 * The IP-to-ASN ranges of ip-location-db's `asn-ipv4.csv` / `asn-ipv6.csv` files: one range a line,
 * `first address,last address,asn,organisation`, the organisation CSV-quoted when it holds a comma or a
 * quote. Read from bytes into typed arrays (a few MB for the ~500,000 ranges); each AS's name is decoded once.
 */
export class AsnRanges {
  private readonly records: AsnRecord[] = [];
  private readonly recordOfAsn = new Map<number, number>();
  private readonly v4: Ranges;
  private readonly v6: Ranges;

  constructor(ipv4Csv: Buffer, ipv6Csv: Buffer) {
    this.v4 = this.parse(ipv4Csv, 1, dottedQuad);
    this.v6 = this.parse(ipv6Csv, 4, hexGroups);
  }

  /** The AS an address belongs to; undefined for an address no range covers (private, unannounced). */
  lookup(ip: string): AsnRecord | undefined {
    let index: number | undefined;
    if (isIPv4(ip)) index = findRange(this.v4, [ipv4Number(ip)]);
    else if (isIPv6(ip)) {
      const words = ipv6Words(ip);
      if (words === null) return undefined;
      const mapped = words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
      index = mapped ? findRange(this.v4, [words[3] as number]) : findRange(this.v6, words);
    }
    return index === undefined ? undefined : this.records[index];
  }

  /** Ranges read, both families. */
  get size(): number {
    return this.v4.record.length + this.v6.record.length;
  }

  /** One record per AS (the first organisation name its ranges give). */
  private recordOf(asn: number, csv: Buffer, orgFrom: number, orgTo: number): number {
    let index = this.recordOfAsn.get(asn);
    if (index === undefined) {
      let org = csv.toString('utf8', orgFrom, orgTo).trim();
      if (org.length >= 2 && org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replaceAll('""', '"');
      index = this.records.push(Object.freeze({ asn, org: org === '' ? null : org })) - 1;
      this.recordOfAsn.set(asn, index);
    }
    return index;
  }

  private parse(
    csv: Buffer,
    width: number,
    address: (csv: Buffer, from: number, to: number) => ArrayLike<number> | null,
  ): Ranges {
    let lines = 1;
    for (let index = csv.indexOf(NEWLINE); index !== -1; index = csv.indexOf(NEWLINE, index + 1)) lines += 1;
    const starts = new Uint32Array(lines * width);
    const ends = new Uint32Array(lines * width);
    const records = new Uint32Array(lines);
    let count = 0;
    let lineStart = 0;
    while (lineStart < csv.length) {
      let lineEnd = csv.indexOf(NEWLINE, lineStart);
      if (lineEnd === -1) lineEnd = csv.length;
      const end = csv[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
      const first = csv.indexOf(COMMA, lineStart);
      const second = first === -1 ? -1 : csv.indexOf(COMMA, first + 1);
      const third = second === -1 ? -1 : csv.indexOf(COMMA, second + 1);
      if (first > lineStart && second > first && third > second && third < end) {
        const asn = decimal(csv, second + 1, third);
        const from = address(csv, lineStart, first);
        const to = address(csv, first + 1, second);
        if (asn > 0 && from !== null && to !== null) {
          starts.set(from, count * width);
          ends.set(to, count * width);
          records[count] = this.recordOf(asn, csv, third + 1, end);
          count += 1;
        }
      }
      lineStart = lineEnd + 1;
    }
    const ranges = {
      width,
      starts: starts.subarray(0, count * width),
      ends: ends.subarray(0, count * width),
      record: records.subarray(0, count),
    };
    return inOrder(ranges) ? ranges : sortRanges(ranges);
  }
}

/** Whether the ranges are already in ascending order of start (the shipped files are). */
function inOrder(ranges: Ranges): boolean {
  const { width, starts } = ranges;
  for (let index = 1; index < ranges.record.length; index += 1) {
    if (compare(starts, (index - 1) * width, starts, width, index * width) > 0) return false;
  }
  return true;
}

function sortRanges(ranges: Ranges): Ranges {
  const { width } = ranges;
  const order = Array.from(ranges.record, (_, index) => index).sort((a, b) =>
    compare(ranges.starts, a * width, ranges.starts, width, b * width),
  );
  const pick = (keys: Uint32Array) =>
    Uint32Array.from(order.flatMap((index) => [...keys.subarray(index * width, (index + 1) * width)]));
  return {
    width,
    starts: pick(ranges.starts),
    ends: pick(ranges.ends),
    record: Uint32Array.from(order, (index) => ranges.record[index] as number),
  };
}
