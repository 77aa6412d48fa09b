import type { Database } from '@proxy-pool/db';
import type { TypedQueue } from '@proxy-pool/queues';

/** Inserts proxies in bulk; `due` says whether they are due for a check now or in a day. Returns their ids. */
export async function insertProxies(
  db: Database,
  rows: ReadonlyArray<{ host: string; port: number; protocol: string }>,
  due: 'now' | 'in 1 day',
): Promise<string[]> {
  const ids: string[] = [];
  const offset = due === 'now' ? 0 : 86_400;
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    const inserted = await db.$queryRaw<Array<{ id: string }>>`
      INSERT INTO proxies (id, ip, port, protocol, next_check_at)
      SELECT gen_random_uuid(), ip, port, protocol::"ProxyProtocol", now() + make_interval(secs => ${offset}::float8)
      FROM unnest(${chunk.map((row) => row.host)}::inet[], ${chunk.map((row) => row.port)}::int[], ${chunk.map((row) => row.protocol)}::text[])
        AS t(ip, port, protocol)
      RETURNING id`;
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** Resolves once the queue has nothing waiting, delayed or running. */
export async function waitForQueueIdle(queue: TypedQueue<'validate'>): Promise<void> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((count) => count === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A copy of `rows` in a random order that is the same in every run (Fisher–Yates over a seeded generator). */
export function seededShuffle<T>(rows: readonly T[]): T[] {
  const copy = [...rows];
  let seed = 0x9e3779b9;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
