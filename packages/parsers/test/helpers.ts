import type { ParseContext, ParseResult, ProxyCandidate } from '@proxy-pool/plugin-contracts';

export const httpContext: ParseContext = { defaultProtocol: 'http' };

/** `protocol://ip:port` of each candidate, in output order. */
export function urls(result: ParseResult): string[] {
  return result.proxies.map((proxy: ProxyCandidate) => `${proxy.protocol}://${proxy.ip}:${proxy.port}`);
}

/** A body of roughly `bytes` bytes: `line(i)` for i = 0, 1, … joined by `\n`. */
export function bigBody(bytes: number, line: (i: number) => string): { body: string; lines: number } {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = line(i);
    parts.push(text);
    size += text.length + 1;
  }
  return { body: parts.join('\n'), lines: parts.length };
}

/** Distinct loopback addresses for generated lists: 127.x.y.z. */
export function loopbackAddress(i: number): string {
  return `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/**
 * CPU milliseconds `run` takes. Speed tests assert CPU time, not wall time: the machine is shared with other
 * test workers, and wall time would measure them too.
 */
export function cpuMillis(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}
