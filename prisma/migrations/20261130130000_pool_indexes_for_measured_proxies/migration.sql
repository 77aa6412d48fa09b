-- Sorting by latency, uptime or check time only needs an index over measured proxies: an unchecked proxy's
-- sort keys are all blank (constraint proxies_unchecked_blank), so unchecked proxies are read in id order
-- from the (status, score, id) index instead. A scrape's new proxies then skip these three indexes.
DROP INDEX "proxies_status_avg_latency_ms_id_idx";
DROP INDEX "proxies_status_uptime_ratio_id_idx";
DROP INDEX "proxies_status_last_checked_at_id_idx";
CREATE INDEX "proxies_measured_latency_idx" ON "proxies"("status", "avg_latency_ms", "id") WHERE "status" <> 'unchecked';
CREATE INDEX "proxies_measured_uptime_idx" ON "proxies"("status", "uptime_ratio", "id") WHERE "status" <> 'unchecked';
CREATE INDEX "proxies_measured_last_checked_idx" ON "proxies"("status", "last_checked_at", "id") WHERE "status" <> 'unchecked';

-- Acquire walks (status, score, id) for status = 'active' and sorts each score's ties by last_leased_at.
-- With last_leased_at in no index, the stamp an acquire writes is a HOT update.
DROP INDEX "proxies_status_protocol_score_last_leased_at_idx";
