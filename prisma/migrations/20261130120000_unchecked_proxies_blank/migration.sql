-- An unchecked proxy has never been checked: nothing a check measures is set. Page queries rely on it to
-- leave unchecked proxies out of a walk whose filters need a measured value (country, latency, ...).
ALTER TABLE "proxies" ADD CONSTRAINT "proxies_unchecked_blank" CHECK (
  "status" <> 'unchecked' OR (
    "last_checked_at" IS NULL AND "country" IS NULL AND "anonymity" IS NULL AND "exit_ip" IS NULL
    AND "avg_latency_ms" IS NULL AND "score" = 0 AND "uptime_ratio" = 0
  )
);
