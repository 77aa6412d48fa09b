-- API processes cache who holds a key; these triggers tell them (NOTIFY api_key_changes) the moment a key is
-- revoked, deleted or re-owned, or a user's role changes ('*': forget every key), however the change is made.
CREATE FUNCTION "notify_api_key_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_keys' AND TG_LEVEL = 'ROW' THEN
    PERFORM pg_notify('api_key_changes', OLD.key_hash);
  ELSE
    PERFORM pg_notify('api_key_changes', '*');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "api_keys_notify_change" AFTER UPDATE OF "revoked_at", "key_hash", "user_id" OR DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "notify_api_key_change"();
CREATE TRIGGER "api_keys_notify_truncate" AFTER TRUNCATE ON "api_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_api_key_change"();
CREATE TRIGGER "users_notify_role_change" AFTER UPDATE OF "role" ON "users"
  FOR EACH ROW WHEN (OLD."role" IS DISTINCT FROM NEW."role") EXECUTE FUNCTION "notify_api_key_change"();
