import { describe, expect, it } from '@jest/globals';
import { parsePlaintextStream, plaintextParser, type StreamedParse } from '../src/index.js';
import { httpContext } from './helpers.js';

const MiB = 1024 * 1024;

/** Line i of a generated list: a distinct address and port per index, every 10th with trailing flags. */
function line(index: number): string {
  const n = index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:${1024 + (index % 60000)}${index % 10 === 0 ? ' US-H-S +' : ''}\n`;
}

/** `lines` lines in chunks of an odd size (so lines and UTF-8 characters are cut across chunks), never the whole body at once. */
async function* generatedList(lines: number, chunkBytes = 65_521): AsyncGenerator<Buffer> {
  let rest = Buffer.from('# generated list\n');
  let parts: string[] = [];
  let size = 0;
  for (let index = 0; index < lines; index++) {
    const next = line(index);
    parts.push(next);
    size += next.length;
    if (rest.length + size >= chunkBytes) {
      const bytes = Buffer.concat([rest, Buffer.from(parts.join(''))]);
      yield bytes.subarray(0, chunkBytes);
      rest = Buffer.from(bytes.subarray(chunkBytes));
      parts = [];
      size = 0;
    }
  }
  yield Buffer.concat([rest, Buffer.from(parts.join(''))]);
}

function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('plaintext parser over a stream', () => {
  it('parses a generated 1,000,000-line list within a bounded memory', async () => {
    const before = heapAndBuffers();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, heapAndBuffers() - before)), 5);
    const sample = async function* () {
      for await (const chunk of generatedList(1_000_000)) {
        peak = Math.max(peak, heapAndBuffers() - before);
        yield chunk;
      }
    };
    let parsed: StreamedParse;
    try {
      parsed = await parsePlaintextStream(sample(), httpContext);
    } finally {
      clearInterval(sampler);
    }
    expect(parsed.candidates.size).toBe(1_000_000);
    expect(parsed.skipped).toBe(0);
    // Held compactly (7 bytes a candidate plus the duplicate filter): the list itself is ~24 MB of text and
    // would be ~150 MB as candidate objects.
    expect(peak).toBeLessThan(96 * MiB);
    let count = 0;
    let last = '';
    for (const batch of parsed.candidates.batches(5000)) {
      count += batch.length;
      last = `${batch.at(-1)!.ip}:${batch.at(-1)!.port}`;
    }
    expect(count).toBe(1_000_000);
    expect(last).toBe(line(999_999).trim());
  }, 30_000);

  it('reads what the whole-body parser reads: lines cut across chunks, a BOM, comments, duplicates, credentials, junk', async () => {
    const body =
      '\uFEFF# header: ünïcode, cut by the small chunks\r\n203.0.113.5:8080\r\n  socks5://alice:pw@203.0.113.6:1080  \n203.0.113.5:8080\nnot a proxy 1\n999.1.1.1:80\n203.0.113.7:3128 US elite';
    const bytes = Buffer.from(body);
    for (const size of [1, 3, 7, bytes.length]) {
      const chunks = async function* () {
        for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
      };
      const streamed = await parsePlaintextStream(chunks(), httpContext);
      const whole = plaintextParser.parse(body, httpContext);
      expect({ proxies: [...streamed.candidates.batches(2)].flat(), skipped: streamed.skipped }).toEqual(whole);
    }
  });
});
