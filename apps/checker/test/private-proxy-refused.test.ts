import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJudgeHandler } from '@proxy-pool/checkers';
import { httpServer, type ServerHandle } from '@proxy-pool/test-kit';
import { createCheckerWorld, JUDGE_SECRET, type CheckerWorld } from './support/harness.js';

/** A deployed judge sees a checker at its public egress address; this one says so for the loopback caller. */
const PUBLIC_EGRESS = '8.8.8.8';

let world: CheckerWorld;
let judge: ServerHandle;
let listener: Server;
let accepted = 0;

beforeAll(async () => {
  world = await createCheckerWorld();
  const judgeHandler = createJudgeHandler({ secret: JUDGE_SECRET });
  judge = await httpServer((req, res) => {
    Object.defineProperty(req.socket, 'remoteAddress', { value: PUBLIC_EGRESS, configurable: true });
    judgeHandler(req, res);
  });
  // Stands in for a proxy at a loopback address: counts every connection it is offered.
  listener = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
  await world?.close();
  await judge?.close();
  await new Promise((resolve) => listener?.close(resolve));
});

describe('a proxy at a private address with ALLOW_PRIVATE_TARGETS=false', () => {
  it('fails its check with a clear detail and is never connected to', async () => {
    await world.startChecker({ ALLOW_PRIVATE_TARGETS: 'false', JUDGE_URL: `${judge.url}/judge` });
    const port = (listener.address() as { port: number }).port;
    // Stored while private targets were on (or inserted by hand): the checker must still not probe it.
    const id = await world.addProxy({ ip: '127.0.0.1', port, protocol: 'http' });

    expect(await world.validate([id])).toEqual({ checked: 1, active: 0, dead: 1 });

    expect(await world.checkRows(id)).toEqual([
      {
        checker_name: 'tcp_connect',
        stage: 1,
        passed: false,
        latency_ms: null,
        detail: 'proxy address 127.0.0.1 is private; ALLOW_PRIVATE_TARGETS is off',
      },
    ]);
    expect(await world.db.proxy.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'dead', checksTotal: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(accepted).toBe(0);
  });
});
