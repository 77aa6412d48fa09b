-- The rotating gateway: what it saw of each proxy, traffic per API key, and the client ranges allowed in
-- without proxy credentials.
ALTER TABLE "proxies" ADD COLUMN "gateway_successes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "gateway_failures" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "gateway_usage" (
    "api_key_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "connections" BIGINT NOT NULL DEFAULT 0,
    "bytes_in" BIGINT NOT NULL DEFAULT 0,
    "bytes_out" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gateway_usage_pkey" PRIMARY KEY ("api_key_id")
);

CREATE TABLE "gateway_allowlist" (
    "id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "cidr" CIDR NOT NULL,
    "params" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gateway_allowlist_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "gateway_usage_user_id_idx" ON "gateway_usage"("user_id");

CREATE UNIQUE INDEX "gateway_allowlist_cidr_key" ON "gateway_allowlist"("cidr");

CREATE INDEX "gateway_allowlist_user_id_created_at_idx" ON "gateway_allowlist"("user_id", "created_at");

ALTER TABLE "gateway_usage" ADD CONSTRAINT "gateway_usage_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "gateway_allowlist" ADD CONSTRAINT "gateway_allowlist_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
