-- TLS integrity: proxies seen presenting another certificate than the judge's (mitm), and the judge's
-- generated TLS identity, shared by every judge replica and read by the checkers as their pin.
-- Hand-written: the CHECK that keeps judge_tls_identity to its one row.

-- AlterTable
ALTER TABLE "proxies" ADD COLUMN     "mitm" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "judge_tls_identity" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "cert_pem" TEXT NOT NULL,
    "key_pem" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "judge_tls_identity_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "judge_tls_identity_one_row" CHECK ("id" = 1)
);
