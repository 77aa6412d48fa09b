-- Scrapes rewrite last_seen_at on every known proxy and link. With free room in each page those updates are
-- HOT (no index touched, since last_seen_at is not indexed), which keeps a re-scrape close to the cost of a scan.
ALTER TABLE "proxies" SET (fillfactor = 70);
ALTER TABLE "proxy_sources" SET (fillfactor = 70);

-- Unused: listing without a status filter reads each status's (status, score, id) index and merges.
DROP INDEX "proxies_score_id_idx";
