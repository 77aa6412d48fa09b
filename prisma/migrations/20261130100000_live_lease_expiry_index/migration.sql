-- The lease sweeper and acquire look only at live leases past their expiry; old leases stay out of the scan.
CREATE INDEX "leases_live_expires_at_idx" ON "leases"("expires_at") WHERE "released_at" IS NULL AND "expired_at" IS NULL;
