/**
 * The gateway bench's outside world, in a process of its own: an origin (a small JSON answer and a 1 MiB
 * body) and `PROXIES` elite HTTP forward proxies (CONNECT and absolute-URI). Prints `READY <json>` and runs
 * until its stdin closes. Loopback only.
 */
import { forwardProxy, httpServer } from '@proxy-pool/test-kit';

const count = Number(process.env.PROXIES ?? 4);
const MIB = Buffer.alloc(1024 * 1024, 7);
const SMALL = JSON.stringify({ ok: true });

const origin = await httpServer((req, res) => {
  req.resume();
  if (req.url === '/blob')
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(MIB.length) }).end(MIB);
  else res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(SMALL.length) }).end(SMALL);
});
const proxies = await Promise.all(Array.from({ length: count }, () => forwardProxy({ kind: 'elite' })));
process.stdout.write(
  `READY ${JSON.stringify({ origin: { host: origin.host, port: origin.port }, proxies: proxies.map((p) => ({ host: p.host, port: p.port })) })}\n`,
);

const stop = async () => {
  await Promise.all([origin.close(), ...proxies.map((proxy) => proxy.close())]);
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void stop());
process.stdin.once('close', () => void stop());
