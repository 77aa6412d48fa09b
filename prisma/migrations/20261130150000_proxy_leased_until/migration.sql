-- The end of a proxy's live lease, on the proxy row itself: set by acquire, cleared by release and by the lease
-- sweeper. Acquire reads it under the row lock it takes, so a proxy leased by a concurrent acquire is skipped
-- rather than colliding on the one-live-lease index, and walks only free proxies (proxies_leasable_idx) in
-- exactly its order. A lease that ran out leaves a past leased_until behind: acquirable at once through
-- proxies_lease_ended_idx until the sweeper clears it.
ALTER TABLE "proxies" ADD COLUMN "leased_until" TIMESTAMPTZ(3);

UPDATE "proxies" p SET "leased_until" = l."expires_at"
FROM "leases" l
WHERE l."proxy_id" = p."id" AND l."released_at" IS NULL AND l."expired_at" IS NULL;

CREATE INDEX "proxies_leasable_idx" ON "proxies"("score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;
CREATE INDEX "proxies_lease_ended_idx" ON "proxies"("leased_until") WHERE "leased_until" IS NOT NULL;
-- Acquires filtered by protocol, country or anonymity walk the free proxies of that kind only: with the
-- best ones of a kind leased, a walk of the index above would pass every better free proxy of other kinds.
CREATE INDEX "proxies_leasable_protocol_idx" ON "proxies"("protocol", "score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;
CREATE INDEX "proxies_leasable_country_idx" ON "proxies"("country", "score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;
CREATE INDEX "proxies_leasable_anonymity_idx" ON "proxies"("anonymity", "score" DESC, "last_leased_at" ASC NULLS FIRST, "id")
  WHERE "status" = 'active' AND "leased_until" IS NULL;

-- Unused: the sweeper reads leases_live_expires_at_idx (live leases only); every acquire and release paid for it.
DROP INDEX "leases_expires_at_idx";
