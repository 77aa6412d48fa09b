import { Prisma } from '../generated/client/index.js';
import { sqlRows, type SqlRunner } from './client.js';

/** The judge's generated TLS identity, shared by every judge replica (one row). */
export interface JudgeTlsIdentity {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate, `AB:CD:…` (Node's X509Certificate.fingerprint256). */
  fingerprint: string;
}

const COLUMNS = Prisma.sql`cert_pem AS "certPem", key_pem AS "keyPem", fingerprint`;

/**
 * Stores `candidate` unless an identity is stored already, and returns the stored one: judges starting at the
 * same time each offer their own, exactly one is kept, and every one of them presents that one.
 */
export async function claimJudgeTlsIdentity(runner: SqlRunner, candidate: JudgeTlsIdentity): Promise<JudgeTlsIdentity> {
  await sqlRows(
    runner,
    Prisma.sql`INSERT INTO judge_tls_identity (id, cert_pem, key_pem, fingerprint)
      VALUES (1, ${candidate.certPem}, ${candidate.keyPem}, ${candidate.fingerprint}) ON CONFLICT (id) DO NOTHING`,
  );
  const stored = await readJudgeTlsIdentity(runner);
  if (stored === undefined) throw new Error('judge TLS identity vanished right after it was stored');
  return stored;
}

export async function readJudgeTlsIdentity(runner: SqlRunner): Promise<JudgeTlsIdentity | undefined> {
  const [row] = await sqlRows<JudgeTlsIdentity>(
    runner,
    Prisma.sql`SELECT ${COLUMNS} FROM judge_tls_identity WHERE id = 1`,
  );
  return row;
}

/** The stored certificate's fingerprint (what checkers pin), without reading the key. */
export async function readJudgeTlsFingerprint(runner: SqlRunner): Promise<string | undefined> {
  const [row] = await sqlRows<{ fingerprint: string }>(
    runner,
    Prisma.sql`SELECT fingerprint FROM judge_tls_identity WHERE id = 1`,
  );
  return row?.fingerprint;
}
