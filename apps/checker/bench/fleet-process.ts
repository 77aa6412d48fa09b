/**
 * The bench's outside world, in a process of its own so its CPU is not the checker's: `HEALTHY` elite HTTP
 * proxies (each on its own 127.0.x.y address), a judge with its TLS listener, and `HOLES` black holes. Prints `READY <json>` and
 * runs until its stdin closes. Loopback only.
 */
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createJudgeHandler } from '@proxy-pool/checkers';
import { blackHole, fleetHost, selfSignedCertificate, startProxyFleet, type BlackHole } from '@proxy-pool/test-kit';

const healthy = Number(process.env.HEALTHY ?? 1000);
const holes = Number(process.env.HOLES ?? 0);
const secret = process.env.JUDGE_SECRET ?? 'bench-judge-secret-0123456789';

// The proxies keep their connections to the judge alive between requests. Node's default 5 s keep-alive
// would close them during a pause between runs, racing the next request on the same socket (the proxy then
// answers 502): the judge keeps idle connections for the whole run instead.
const judgeServer = createServer(createJudgeHandler({ secret }));
judgeServer.keepAliveTimeout = 3_600_000;
// The sweep's healthy proxies (address-fleet-process.ts) open a connection per request, thousands at once: an
// accept queue up to net.core.somaxconn, where Node's default of 511 overflows and drops connects.
await new Promise<void>((resolve) => judgeServer.listen({ port: 0, host: '127.0.0.1', backlog: 65_535 }, resolve));
const judge = {
  url: `http://127.0.0.1:${(judgeServer.address() as AddressInfo).port}`,
  close: () => {
    judgeServer.closeAllConnections();
    return new Promise<void>((resolve) => judgeServer.close(() => resolve()));
  },
};
// The judge's TLS listener, for the tls_integrity stage (its certificate's fingerprint is the checker's pin).
const identity = selfSignedCertificate('judge.bench', ['IP:127.0.0.1']);
const judgeTls = createHttpsServer({ key: identity.key, cert: identity.cert }, createJudgeHandler({ secret }));
await new Promise<void>((resolve) => judgeTls.listen(0, '127.0.0.1', resolve));
const fleet = await startProxyFleet(healthy, 'elite', { hosts: 'spread' });
const blackHoles: BlackHole[] = [];
for (let start = 0; start < holes; start += 100) {
  const batch = Array.from({ length: Math.min(100, holes - start) }, (_, offset) =>
    blackHole({ host: fleetHost(20_000 + start + offset) }),
  );
  blackHoles.push(...(await Promise.all(batch)));
}
const world = {
  judgeUrl: `${judge.url}/judge`,
  judgeTls: {
    target: `127.0.0.1:${(judgeTls.address() as AddressInfo).port}`,
    fingerprint: new X509Certificate(identity.cert).fingerprint256,
  },
  proxies: fleet.proxies.map((proxy) => ({ host: proxy.host, port: proxy.port })),
  holes: blackHoles.map((hole) => ({ host: hole.host, port: hole.port })),
};
process.stdout.write(`READY ${JSON.stringify(world)}\n`);

const stop = async () => {
  judgeTls.closeAllConnections();
  judgeTls.close();
  identity.remove();
  await Promise.all([fleet.close(), judge.close(), ...blackHoles.map((hole) => hole.close())]);
  process.exit(0);
};
process.stdin.resume();
process.stdin.once('end', () => void stop());
process.stdin.once('close', () => void stop());
