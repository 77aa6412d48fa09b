-- Per-site quality: lease reports (and the refund they can earn), per-(proxy, site) outcomes, admin-defined site
-- checks and their latest result per proxy.
-- CreateEnum
CREATE TYPE "ReportOutcome" AS ENUM ('ok', 'blocked', 'failed', 'slow');

-- AlterTable
ALTER TABLE "leases" ADD COLUMN     "failed_reported_at" TIMESTAMPTZ(3),
ADD COLUMN     "refunded_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "lease_reports" (
    "id" UUID NOT NULL,
    "lease_id" UUID NOT NULL,
    "proxy_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "outcome" "ReportOutcome" NOT NULL,
    "target_host" TEXT NOT NULL,
    "status_code" INTEGER,
    "detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lease_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proxy_site_stats" (
    "proxy_id" UUID NOT NULL,
    "target_host" TEXT NOT NULL,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_success_at" TIMESTAMPTZ(3),
    "last_failure_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proxy_site_stats_pkey" PRIMARY KEY ("proxy_id","target_host")
);

-- CreateTable
CREATE TABLE "site_checks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "expected_status" INTEGER NOT NULL DEFAULT 200,
    "body_substring" TEXT,
    "body_regex" TEXT,
    "interval_seconds" INTEGER NOT NULL DEFAULT 600,
    "sample_size" INTEGER NOT NULL DEFAULT 50,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "last_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "site_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "site_check_results" (
    "site_check_id" UUID NOT NULL,
    "proxy_id" UUID NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "latency_ms" REAL,
    "detail" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "site_check_results_pkey" PRIMARY KEY ("site_check_id","proxy_id")
);

-- CreateIndex
CREATE INDEX "lease_reports_lease_id_created_at_idx" ON "lease_reports"("lease_id", "created_at");

-- CreateIndex
CREATE INDEX "lease_reports_proxy_id_created_at_idx" ON "lease_reports"("proxy_id", "created_at");

-- CreateIndex
CREATE INDEX "proxy_site_stats_target_host_last_failure_at_idx" ON "proxy_site_stats"("target_host", "last_failure_at");

-- CreateIndex
CREATE UNIQUE INDEX "site_checks_name_key" ON "site_checks"("name");

-- CreateIndex
CREATE INDEX "site_check_results_site_check_id_passed_checked_at_idx" ON "site_check_results"("site_check_id", "passed", "checked_at");

-- CreateIndex
CREATE INDEX "site_check_results_proxy_id_idx" ON "site_check_results"("proxy_id");

-- AddForeignKey
ALTER TABLE "lease_reports" ADD CONSTRAINT "lease_reports_lease_id_fkey" FOREIGN KEY ("lease_id") REFERENCES "leases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lease_reports" ADD CONSTRAINT "lease_reports_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proxy_site_stats" ADD CONSTRAINT "proxy_site_stats_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_check_results" ADD CONSTRAINT "site_check_results_site_check_id_fkey" FOREIGN KEY ("site_check_id") REFERENCES "site_checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site_check_results" ADD CONSTRAINT "site_check_results_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A lease is refunded at most once, whatever races: one refund transaction per lease.
CREATE UNIQUE INDEX "credit_transactions_one_refund_per_lease" ON "credit_transactions"("lease_id") WHERE "tx_type" = 'refund';
