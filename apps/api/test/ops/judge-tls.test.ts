import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { choosePort } from '@proxy-pool/embedded-services';
import { createDatabase, readJudgeTlsFingerprint, type Database } from '@proxy-pool/db';
import { newNonce, verifyJudgeAnswer } from '@proxy-pool/checkers';
import { privateDatabase, selfSignedCertificate, type PrivateDatabase } from '@proxy-pool/test-kit';
import { loadJudgeConfig } from '../../src/config.js';
import { startJudge } from '../../src/judge-main.js';
import { startJudgeTlsListener, type JudgeTlsListener } from '../../src/judge/judge-tls.js';

const SECRET = 'judge-tls-secret-0123456789abcdef';
let database: PrivateDatabase;
let db: Database;

/** The certificate fingerprint a TLS client is shown on `port`, and the judge's answer to a request there. */
function presented(port: number): Promise<{ fingerprint: string; answer: string }> {
  return new Promise((resolve, reject) => {
    const nonce = newNonce();
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.write(`GET /judge?nonce=${nonce} HTTP/1.1\r\nHost: judge\r\nConnection: close\r\n\r\n`);
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      socket.on('end', () => {
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        const verdict = verifyJudgeAnswer(body, nonce, SECRET);
        resolve({ fingerprint, answer: verdict.ok ? `proof for ${verdict.remoteAddr}` : verdict.reason });
      });
    });
    socket.on('error', reject);
  });
}

/** A listener on a free port, once it presents its certificate, with that certificate's fingerprint and source. */
async function start(settings: { JUDGE_TLS_CERT_FILE?: string; JUDGE_TLS_KEY_FILE?: string } = {}) {
  const listener = await startJudgeTlsListener(
    { JUDGE_TLS_PORT: 0, host: '127.0.0.1', secret: SECRET, ...settings },
    db.pool,
  );
  return { ...listener, ...(await listener.ready) };
}

beforeAll(async () => {
  database = await privateDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe("the judge's TLS listener", () => {
  it('generates one certificate for judges starting together, keeps it across restarts, and answers over TLS', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    const listeners: Pick<JudgeTlsListener, 'stop'>[] = [first, second];
    try {
      expect(first.source).toBe('database');
      expect(second.fingerprint).toBe(first.fingerprint);
      const shown = await Promise.all([presented(first.port), presented(second.port)]);
      expect(shown).toEqual([
        { fingerprint: first.fingerprint, answer: 'proof for 127.0.0.1' },
        { fingerprint: first.fingerprint, answer: 'proof for 127.0.0.1' },
      ]);
      await expect(readJudgeTlsFingerprint(db.pool)).resolves.toBe(first.fingerprint);
      await first.stop();
      const restarted = await start();
      listeners.push(restarted);
      expect((await presented(restarted.port)).fingerprint).toBe(first.fingerprint);
    } finally {
      await Promise.all(listeners.map((listener) => listener.stop()));
    }
  });

  it('presents the configured certificate files instead, leaving the stored one alone', async () => {
    const stored = await readJudgeTlsFingerprint(db.pool);
    const files = selfSignedCertificate('judge.example', ['DNS:judge.example']);
    const listener = await start({ JUDGE_TLS_CERT_FILE: files.certFile, JUDGE_TLS_KEY_FILE: files.keyFile });
    try {
      expect(listener.source).toBe('files');
      const shown = await presented(listener.port);
      expect(shown.fingerprint).toBe(listener.fingerprint);
      expect(shown.fingerprint).not.toBe(stored);
      await expect(readJudgeTlsFingerprint(db.pool)).resolves.toBe(stored);
    } finally {
      await listener.stop();
      files.remove();
    }
  });

  it('runs beside the judge-only listener on JUDGE_TLS_PORT, from the database named by DATABASE_URL', async () => {
    const tlsPort = await choosePort();
    const judge = await startJudge({
      JUDGE_SECRET: SECRET,
      JUDGE_PORT: '0',
      JUDGE_HOST: '127.0.0.1',
      JUDGE_TLS_PORT: String(tlsPort),
      DATABASE_URL: database.url,
      LOG_LEVEL: 'error',
    });
    try {
      expect(judge.tls?.port).toBe(tlsPort);
      expect((await presented(tlsPort)).fingerprint).toBe(await readJudgeTlsFingerprint(db.pool));
    } finally {
      await judge.stop();
    }
  });

  it('takes its port while the database is down, and keeps asking it for the certificate', async () => {
    const down = createDatabase({ url: 'postgresql://postgres@127.0.0.1:9/none', poolSize: 1 });
    const retries: string[] = [];
    const listener = await startJudgeTlsListener({ JUDGE_TLS_PORT: 0, host: '127.0.0.1', secret: SECRET }, down.pool, {
      retryMs: 50,
      onRetry: (error) => retries.push((error as Error).message),
    });
    try {
      await expect(presented(listener.port)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(retries.length).toBeGreaterThanOrEqual(2);
    } finally {
      await listener.stop();
      await down.$disconnect();
    }
  });

  it('refuses a certificate file without its key', () => {
    expect(() => loadJudgeConfig({ JUDGE_TLS_CERT_FILE: '/etc/judge/cert.pem' })).toThrow(
      /JUDGE_TLS_KEY_FILE: JUDGE_TLS_CERT_FILE and JUDGE_TLS_KEY_FILE go together/,
    );
  });
});
