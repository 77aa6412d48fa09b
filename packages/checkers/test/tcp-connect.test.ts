import { afterAll, describe, expect, it } from '@jest/globals';
import { describeCheckerContract } from '@proxy-pool/plugin-contracts/testing';
import { blackHole, deadPort } from '@proxy-pool/test-kit';
import type { BlackHole } from '@proxy-pool/test-kit';
import { tcpConnectChecker } from '../src/index.js';
import { contextFor } from './harness.js';

const dead = await deadPort();
describeCheckerContract(tcpConnectChecker, {
  unreachable: { id: 'dead', ip: dead.host, port: dead.port, protocol: 'http' },
});

const listeners: BlackHole[] = [];
afterAll(async () => {
  await Promise.all(listeners.map((listener) => listener.close()));
});

describe('tcp_connect', () => {
  it('passes a listening port and measures the connect time', async () => {
    const listener = await blackHole({ host: '127.0.0.4' });
    listeners.push(listener);
    const outcome = await tcpConnectChecker.check(
      contextFor({ ip: listener.host, port: listener.port, protocol: 'socks5' }),
    );
    expect(outcome).toMatchObject({ passed: true, detail: 'TCP connect OK' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.latencyMs).toBeLessThan(1000);
  });

  it('fails a closed port as refused', async () => {
    const outcome = await tcpConnectChecker.check(contextFor({ ip: dead.host, port: dead.port, protocol: 'http' }));
    expect(outcome).toEqual({ passed: false, latencyMs: null, detail: 'connection refused' });
  });

  it('is bounded by the abort signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await tcpConnectChecker.check(
      contextFor({ ip: '127.0.0.1', port: dead.port, protocol: 'http' }, { signal: controller.signal }),
    );
    expect(outcome).toMatchObject({ passed: false, detail: 'aborted' });
  });
});
