-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('user', 'admin');

-- CreateEnum
CREATE TYPE "TxType" AS ENUM ('acquire', 'purchase', 'grant', 'refund', 'adjustment');

-- CreateEnum
CREATE TYPE "ProxyProtocol" AS ENUM ('http', 'https', 'socks4', 'socks5');

-- CreateEnum
CREATE TYPE "ProxyStatus" AS ENUM ('active', 'dead', 'unchecked');

-- CreateEnum
CREATE TYPE "Anonymity" AS ENUM ('transparent', 'anonymous', 'elite');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "email_normalized" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'user',
    "credit_balance" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "prefix" VARCHAR(8) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "label" TEXT NOT NULL DEFAULT 'default',
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transactions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "tx_type" "TxType" NOT NULL,
    "description" TEXT NOT NULL,
    "lease_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sources" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "parser_name" TEXT NOT NULL,
    "cron_schedule" TEXT NOT NULL,
    "default_protocol" "ProxyProtocol" NOT NULL DEFAULT 'http',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "last_scraped_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "last_discovered" INTEGER,
    "last_new" INTEGER,
    "last_skipped" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proxies" (
    "id" UUID NOT NULL,
    "ip" INET NOT NULL,
    "port" INTEGER NOT NULL,
    "protocol" "ProxyProtocol" NOT NULL,
    "status" "ProxyStatus" NOT NULL DEFAULT 'unchecked',
    "anonymity" "Anonymity",
    "exit_ip" INET,
    "country" CHAR(2),
    "score" REAL NOT NULL DEFAULT 0,
    "avg_latency_ms" REAL,
    "uptime_ratio" REAL NOT NULL DEFAULT 0,
    "checks_total" INTEGER NOT NULL DEFAULT 0,
    "checks_passed" INTEGER NOT NULL DEFAULT 0,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "last_checked_at" TIMESTAMPTZ(3),
    "next_check_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_leased_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "username" TEXT,
    "password" TEXT,

    CONSTRAINT "proxies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proxy_sources" (
    "proxy_id" UUID NOT NULL,
    "source_id" UUID NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proxy_sources_pkey" PRIMARY KEY ("proxy_id","source_id")
);

-- CreateTable
CREATE TABLE "proxy_checks" (
    "id" UUID NOT NULL,
    "proxy_id" UUID NOT NULL,
    "checker_name" TEXT NOT NULL,
    "stage" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "latency_ms" REAL,
    "detail" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "proxy_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leases" (
    "id" UUID NOT NULL,
    "proxy_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "api_key_id" UUID,
    "idempotency_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "released_at" TIMESTAMPTZ(3),
    "expired_at" TIMESTAMPTZ(3),

    CONSTRAINT "leases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_webhooks" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "subscribes_to" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_normalized_key" ON "users"("email_normalized");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_created_at_idx" ON "api_keys"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "credit_transactions_user_id_created_at_id_idx" ON "credit_transactions"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "sources_is_active_created_at_id_idx" ON "sources"("is_active", "created_at", "id");

-- CreateIndex
CREATE INDEX "proxies_status_score_id_idx" ON "proxies"("status", "score" DESC, "id");

-- CreateIndex
CREATE INDEX "proxies_score_id_idx" ON "proxies"("score" DESC, "id");

-- CreateIndex
CREATE INDEX "proxies_status_avg_latency_ms_id_idx" ON "proxies"("status", "avg_latency_ms", "id");

-- CreateIndex
CREATE INDEX "proxies_status_uptime_ratio_id_idx" ON "proxies"("status", "uptime_ratio", "id");

-- CreateIndex
CREATE INDEX "proxies_status_last_checked_at_id_idx" ON "proxies"("status", "last_checked_at", "id");

-- CreateIndex
CREATE INDEX "proxies_next_check_at_idx" ON "proxies"("next_check_at");

-- CreateIndex
CREATE INDEX "proxies_status_protocol_score_last_leased_at_idx" ON "proxies"("status", "protocol", "score" DESC, "last_leased_at");

-- CreateIndex
CREATE UNIQUE INDEX "proxies_ip_port_protocol_key" ON "proxies"("ip", "port", "protocol");

-- CreateIndex
CREATE INDEX "proxy_sources_source_id_idx" ON "proxy_sources"("source_id");

-- CreateIndex
CREATE INDEX "proxy_checks_proxy_id_created_at_idx" ON "proxy_checks"("proxy_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "proxy_checks_created_at_idx" ON "proxy_checks"("created_at");

-- CreateIndex
CREATE INDEX "leases_proxy_id_expires_at_idx" ON "leases"("proxy_id", "expires_at");

-- CreateIndex
CREATE INDEX "leases_user_id_expires_at_idx" ON "leases"("user_id", "expires_at");

-- CreateIndex
CREATE INDEX "leases_expires_at_idx" ON "leases"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "leases_user_id_idempotency_key_key" ON "leases"("user_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "user_webhooks_user_id_idx" ON "user_webhooks"("user_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_lease_id_fkey" FOREIGN KEY ("lease_id") REFERENCES "leases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proxy_sources" ADD CONSTRAINT "proxy_sources_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proxy_sources" ADD CONSTRAINT "proxy_sources_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proxy_checks" ADD CONSTRAINT "proxy_checks_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leases" ADD CONSTRAINT "leases_proxy_id_fkey" FOREIGN KEY ("proxy_id") REFERENCES "proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leases" ADD CONSTRAINT "leases_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leases" ADD CONSTRAINT "leases_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_webhooks" ADD CONSTRAINT "user_webhooks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Constraints Prisma's schema language cannot express.

-- A balance never goes below zero, whatever the code does.
ALTER TABLE "users" ADD CONSTRAINT "users_credit_balance_non_negative" CHECK ("credit_balance" >= 0);

-- At most one live lease per proxy. A lease stops being live when released or marked expired;
-- acquire marks a proxy's past-due leases expired in the same transaction, so an expired lease
-- never blocks a new one.
CREATE UNIQUE INDEX "leases_one_live_per_proxy" ON "leases"("proxy_id") WHERE "released_at" IS NULL AND "expired_at" IS NULL;

ALTER TABLE "proxies" ADD CONSTRAINT "proxies_port_range" CHECK ("port" BETWEEN 1 AND 65535);
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_score_range" CHECK ("score" >= 0 AND "score" <= 1);
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_uptime_range" CHECK ("uptime_ratio" >= 0 AND "uptime_ratio" <= 1);
ALTER TABLE "leases" ADD CONSTRAINT "leases_expiry_after_start" CHECK ("expires_at" > "created_at");
