-- Gateways cache the pool's best candidates for a moment; this trigger tells them (NOTIFY lease_starts, payload: the
-- proxy's id) the moment a lease starts, however it is made (acquire, a gateway session), so a cached candidate is
-- never used after another user leased it.
CREATE FUNCTION "notify_lease_start"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lease_starts', NEW.proxy_id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "leases_notify_start" AFTER INSERT ON "leases"
  FOR EACH ROW EXECUTE FUNCTION "notify_lease_start"();
