-- One source per list URL. The API and the catalog import store URLs normalised by the WHATWG URL parser
-- (fragment dropped), so spellings of one URL meet on this index and a concurrent second insert fails here.
-- Sources added twice before this index existed keep working: each later copy gets a `#duplicate-<id>`
-- fragment, which is never sent to the server and which no normalised URL can carry.
UPDATE "sources" AS s SET "url" = s."url" || '#duplicate-' || s."id"
WHERE EXISTS (
  SELECT 1 FROM "sources" AS o WHERE o."url" = s."url" AND (o."created_at", o."id") < (s."created_at", s."id")
);

CREATE UNIQUE INDEX "sources_url_key" ON "sources"("url");
