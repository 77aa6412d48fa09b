import pg from 'pg';

/** The channel the api_keys/users triggers notify on; the payload is a key's SHA-256, or '*' for every key. */
export const KEY_CHANGES_CHANNEL = 'api_key_changes';
export const EVERY_KEY = '*';

export interface KeyChangeHandlers {
  /** A key (by its hash) changed, or every key ({@link EVERY_KEY}). */
  onChange(keyHash: string): void;
  /** Notifications flow (again): changes from now on will be reported. */
  onListening(): void;
  /** The connection dropped: changes may be missed until onListening. */
  onLost(): void;
}

const RECONNECT_MS = 1_000;

/**
 * Keeps one connection LISTENing for key changes, reconnecting every second after a drop. Notifications
 * arrive after the changing transaction commits, a few ms later, on every process watching.
 */
export function watchKeyChanges(url: string, handlers: KeyChangeHandlers): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const lost = (failed: pg.Client) => {
    if (client !== failed) return;
    client = undefined;
    failed.removeAllListeners('notification');
    failed.end().catch(() => undefined);
    handlers.onLost();
    if (!closed) timer = setTimeout(connect, RECONNECT_MS).unref();
  };

  const connect = () => {
    timer = undefined;
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client = next;
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      if (message.channel === KEY_CHANGES_CHANNEL) handlers.onChange(message.payload ?? EVERY_KEY);
    });
    next
      .connect()
      .then(() => next.query(`LISTEN ${KEY_CHANGES_CHANNEL}`))
      .then(() => {
        if (client === next && !closed) handlers.onListening();
      })
      .catch(() => lost(next));
  };

  connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      if (last) {
        last.removeAllListeners();
        last.on('error', () => undefined);
        await last.end().catch(() => undefined);
      }
    },
  };
}
