-- Check history at scale. What a validation stores is reduced to what a user reads: the newest validation of
-- each proxy lives on the proxy row (`last_checks`, rewritten by every validation), and the history table keeps
-- every failed validation and every status change in full; a passing validation that changes nothing adds no
-- history row. `last_passed_at` answers "when did it last work" without history rows.
--
-- The history table lives in schema "history", partitioned by UTC day (`proxy_checks_YYYYMMDD`), and is read and
-- written only through raw SQL (packages/db): Prisma does not model partitioned tables. Retention drops whole
-- days; a default partition catches rows for a day whose partition is missing, and creating that day's partition
-- later moves them into it, so no row is ever refused.

ALTER TABLE "proxies" ADD COLUMN "last_passed_at" TIMESTAMPTZ(3),
ADD COLUMN "last_checks" JSONB;

CREATE SCHEMA IF NOT EXISTS "history";

CREATE TABLE "history"."proxy_checks" (
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "proxy_id" UUID NOT NULL,
    "latency_ms" REAL,
    "stage" SMALLINT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "checker_name" TEXT NOT NULL,
    "detail" TEXT NOT NULL
) PARTITION BY RANGE ("created_at");

CREATE INDEX "proxy_checks_proxy_id_created_at_idx" ON "history"."proxy_checks" ("proxy_id", "created_at" DESC);

ALTER TABLE "history"."proxy_checks" ADD CONSTRAINT "proxy_checks_proxy_id_fkey"
    FOREIGN KEY ("proxy_id") REFERENCES "public"."proxies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "history"."proxy_checks_default" PARTITION OF "history"."proxy_checks" DEFAULT;

-- Creates the daily partitions covering [from_at, to_at] (UTC days) that do not exist yet; rows the default
-- partition holds for such a day move into it. Serialised by an advisory lock (replicas may run it together).
-- Returns the number of partitions created.
CREATE FUNCTION "history"."ensure_check_partitions"(from_at TIMESTAMPTZ, to_at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  day DATE := (from_at AT TIME ZONE 'UTC')::date;
  last_day DATE := (to_at AT TIME ZONE 'UTC')::date;
  lower_bound TIMESTAMPTZ;
  upper_bound TIMESTAMPTZ;
  partition_name TEXT;
  created INTEGER := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('history.proxy_checks partitions'));
  WHILE day <= last_day LOOP
    partition_name := 'proxy_checks_' || to_char(day, 'YYYYMMDD');
    IF to_regclass(format('history.%I', partition_name)) IS NULL THEN
      lower_bound := day::timestamp AT TIME ZONE 'UTC';
      upper_bound := (day + 1)::timestamp AT TIME ZONE 'UTC';
      CREATE TEMP TABLE moving_checks ON COMMIT DROP AS
        SELECT * FROM history.proxy_checks_default WHERE created_at >= lower_bound AND created_at < upper_bound;
      DELETE FROM history.proxy_checks_default WHERE created_at >= lower_bound AND created_at < upper_bound;
      EXECUTE format('CREATE TABLE history.%I PARTITION OF history.proxy_checks FOR VALUES FROM (%L) TO (%L)',
        partition_name, lower_bound, upper_bound);
      INSERT INTO history.proxy_checks SELECT * FROM moving_checks;
      DROP TABLE moving_checks;
      created := created + 1;
    END IF;
    day := day + 1;
  END LOOP;
  RETURN created;
END $$;

-- Drops the daily partitions whose whole day ended before `older_than`, and deletes older rows from the default
-- partition. Returns the number of rows removed (the dropped partitions' rows counted before the drop).
CREATE FUNCTION "history"."drop_check_partitions"(older_than TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  part RECORD;
  rows_in_part BIGINT;
  removed BIGINT := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('history.proxy_checks partitions'));
  FOR part IN
    SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.inhparent = 'history.proxy_checks'::regclass AND n.nspname = 'history'
      AND c.relname ~ '^proxy_checks_[0-9]{8}$'
      AND ((to_date(substr(c.relname, 14), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC') <= older_than
  LOOP
    EXECUTE format('SELECT count(*) FROM history.%I', part.relname) INTO rows_in_part;
    EXECUTE format('DROP TABLE history.%I', part.relname);
    removed := removed + rows_in_part;
  END LOOP;
  DELETE FROM history.proxy_checks_default WHERE created_at < older_than;
  GET DIAGNOSTICS rows_in_part = ROW_COUNT;
  RETURN removed + rows_in_part;
END $$;

-- Existing history moves over (its days get partitions), then the old table goes.
SELECT "history"."ensure_check_partitions"(coalesce((SELECT min("created_at") FROM "public"."proxy_checks"), now()), now() + interval '3 days');

INSERT INTO "history"."proxy_checks" ("created_at", "proxy_id", "latency_ms", "stage", "passed", "checker_name", "detail")
SELECT "created_at", "proxy_id", "latency_ms", "stage", "passed", "checker_name", "detail" FROM "public"."proxy_checks";

UPDATE "proxies" p SET "last_passed_at" = c.at
FROM (SELECT "proxy_id", max("created_at") AS at FROM "public"."proxy_checks" WHERE "passed" AND "stage" >= 3 GROUP BY "proxy_id") c
WHERE c."proxy_id" = p."id";

DROP TABLE "public"."proxy_checks";
