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
