/**
 * What the scraper's memory is made of at its highest sampled RSS: its own `/metrics` (Node's default process
 * metrics), read every `everyMs`. The peak itself comes from the kernel (VmHWM); this says whether it is V8's
 * heap, memory outside it (buffers, WASM) or neither (the allocator holding freed pages).
 */
export interface MemorySample {
  rssMiB: number;
  heapTotalMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

export interface MemorySampler {
  /** The sample with the highest RSS so far (undefined before the first answer). */
  highest(): MemorySample | undefined;
  stop(): void;
}

const FIELDS = {
  rssMiB: 'proxypool_process_resident_memory_bytes',
  heapTotalMiB: 'proxypool_nodejs_heap_size_total_bytes',
  heapUsedMiB: 'proxypool_nodejs_heap_size_used_bytes',
  externalMiB: 'proxypool_nodejs_external_memory_bytes',
} as const;

export function sampleMemory(healthPort: number, everyMs = 500): MemorySampler {
  let highest: MemorySample | undefined;
  const sample = async () => {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
    const now = Object.fromEntries(
      Object.entries(FIELDS).map(([field, name]) => [field, read(name)]),
    ) as unknown as MemorySample;
    if (highest === undefined || now.rssMiB > highest.rssMiB) highest = now;
  };
  const timer = setInterval(() => void sample().catch(() => undefined), everyMs);
  return { highest: () => highest, stop: () => clearInterval(timer) };
}
