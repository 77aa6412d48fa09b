import { createDatabase } from '@proxy-pool/db';
import { upsertScrapedChunk } from '../../../packages/db/src/scrape.sql.js';
const db = createDatabase({ url: process.env.DATABASE_URL! });
const src = await db.source.create({ data: { url: 'http://127.0.0.1/x', parserName: 'plaintext', cronSchedule: '0 0 1 1 *' } });
const rows = Array.from({ length: 100000 }, (_, i) => { const n = i + 1; return { ip: `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, port: 1024 + (i % 60000), protocol: 'http' as const }; });
for (const size of [5000, 20000]) for (let round = 0; round < 2; round++) {
  const t = Date.now(); let total = 0, news = 0;
  for (let i = 0; i < rows.length; i += size) { const r = await upsertScrapedChunk(db, src.id, rows.slice(i, i + size)); total += r.total; news += r.newIds.length; }
  console.log(size, round, total, news, Date.now() - t, 'ms');
  if (round === 1) await db.$executeRaw`TRUNCATE proxies CASCADE`;
}
await db.$disconnect();
