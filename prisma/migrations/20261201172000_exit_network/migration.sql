-- Exit network facts: the exit IP's autonomous system (number and organisation) and ip_type, written by the
-- checker's exit_network stage; source_country, the country a source list states for the proxy, written by the
-- scrape upsert. A proxy whose source country differs from its exit country carries tags.country_mismatch.

-- CreateEnum
CREATE TYPE "IpType" AS ENUM ('hosting', 'residential_or_business', 'unknown');

-- AlterTable
ALTER TABLE "proxies" ADD COLUMN     "as_org" TEXT,
ADD COLUMN     "asn" INTEGER,
ADD COLUMN     "ip_type" "IpType" NOT NULL DEFAULT 'unknown',
ADD COLUMN     "source_country" CHAR(2);

-- Lists already scraped kept their country in tags.country: two-letter codes carry over (country names are
-- read from the next scrape on).
UPDATE "proxies" SET "source_country" = upper("tags"->>'country')
WHERE "tags"->>'country' ~ '^[A-Za-z]{2}$';

-- GET /proxies?asn=: one AS is a small slice of the pool, read through this index in score order per status
-- instead of walking the whole pool's sort index. ip_type (three values) needs no list index: the sort index
-- walk finds matches at once.
CREATE INDEX "proxies_asn_idx" ON "proxies"("asn", "status", "score" DESC, "id") WHERE "asn" IS NOT NULL;
-- Acquires filtered by asn or ip_type walk the free proxies of that kind only (as for protocol, country and
-- anonymity): with the best ones of a kind leased, a walk of proxies_leasable_idx would pass every better free
-- proxy of other kinds.
CREATE INDEX "proxies_leasable_asn_idx" ON "proxies"("asn", "score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;
CREATE INDEX "proxies_leasable_ip_type_idx" ON "proxies"("ip_type", "score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;
