/**
 * The bare-socket baseline: the same two exchanges as a validation, with nothing around them. A TCP connect
 * to the proxy (closed at once), then one absolute-URI request through the proxy to the judge on a fresh
 * connection, the answer read to its end and the nonce proof verified. No pipeline, no queue, no database.
 * Given the judge's TLS listener, a third exchange stands for the tls_integrity stage: a CONNECT tunnel
 * through the proxy to it, a TLS handshake, the certificate's fingerprint compared with the pin.
 */
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { newNonce, normalizeFingerprint, verifyJudgeAnswer } from '@proxy-pool/checkers';

export interface Endpoint {
  host: string;
  port: number;
}

function tcpConnect(proxy: Endpoint, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.host, port: proxy.port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function judgeThrough(proxy: Endpoint, judgeUrl: URL, secret: string, timeoutMs: number): Promise<void> {
  const nonce = newNonce();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.host, port: proxy.port, noDelay: true });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
    socket.once('connect', () => {
      socket.write(
        `GET ${judgeUrl.origin}${judgeUrl.pathname}?nonce=${nonce} HTTP/1.1\r\nHost: ${judgeUrl.host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const verdict = verifyJudgeAnswer(text.slice(split + 4), nonce, secret);
      if (text.startsWith('HTTP/1.1 200') && verdict.ok) resolve();
      else reject(new Error(verdict.ok ? text.slice(0, 40) : verdict.reason));
    });
  });
}

/** The judge's TLS listener as proxies reach it (`host:port`) and its certificate's SHA-256 fingerprint. */
export interface JudgeTls {
  target: string;
  fingerprint: string;
}

function tlsThrough(proxy: Endpoint, judgeTls: JudgeTls, timeoutMs: number): Promise<void> {
  const pin = normalizeFingerprint(judgeTls.fingerprint);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.host, port: proxy.port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () =>
      socket.write(`CONNECT ${judgeTls.target} HTTP/1.1\r\nHost: ${judgeTls.target}\r\n\r\n`),
    );
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.indexOf('\r\n\r\n') < 0) return;
      socket.off('data', onData);
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 200')) {
        fail(new Error('tunnel refused'));
        return;
      }
      const secure = tlsConnect({ socket, rejectUnauthorized: false });
      secure.once('error', fail);
      secure.once('secureConnect', () => {
        const seen = secure.getPeerCertificate().fingerprint256;
        clearTimeout(timer);
        secure.destroy();
        if (seen === pin) resolve();
        else reject(new Error(`certificate ${seen} is not the judge's`));
      });
    };
    socket.on('data', onData);
  });
}

export interface RunFigures {
  validations: number;
  errors: number;
  seconds: number;
  cpuMs: number;
  maxInFlight: number;
}

/** `total` baseline validations over the proxies, round-robin, `concurrency` at once; with `judgeTls`, three exchanges each. */
export async function runBaseline(
  proxies: readonly Endpoint[],
  judgeUrl: string,
  secret: string,
  total: number,
  concurrency: number,
  judgeTls?: JudgeTls,
): Promise<RunFigures> {
  const url = new URL(judgeUrl);
  let next = 0;
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < total) {
      const proxy = proxies[next % proxies.length]!;
      next += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await tcpConnect(proxy, 3_000);
        await judgeThrough(proxy, url, secret, 10_000);
        if (judgeTls) await tlsThrough(proxy, judgeTls, 10_000);
      } catch {
        errors += 1;
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const used = process.cpuUsage(cpu);
  return {
    validations: total,
    errors,
    seconds: (performance.now() - started) / 1000,
    cpuMs: (used.user + used.system) / 1000,
    maxInFlight,
  };
}

/** Runs added up: their validations, errors, seconds and CPU; the most in flight of any. */
export function sumRuns(runs: RunFigures[]): RunFigures {
  return runs.reduce((sum, run) => ({
    validations: sum.validations + run.validations,
    errors: sum.errors + run.errors,
    seconds: sum.seconds + run.seconds,
    cpuMs: sum.cpuMs + run.cpuMs,
    maxInFlight: Math.max(sum.maxInFlight, run.maxInFlight),
  }));
}
