-- When the TLS integrity stage last reached a conclusion about a proxy (the judge's certificate or another one):
-- the stage runs again only once TLS_CHECK_EVERY_MINUTES have passed, not on every validation.
ALTER TABLE "proxies" ADD COLUMN "tls_checked_at" TIMESTAMPTZ(3);
