import pg from 'pg';

/** The channel the api_keys/users triggers notify on; the payload is a key's SHA-256, or '*' for every key. */
export const KEY_CHANGES_CHANNEL = 'api_key_changes';
export const EVERY_KEY = '*';
/** The channel the leases trigger notifies on when a lease starts; the payload is the leased proxy's id. */
export const LEASE_STARTS_CHANNEL = 'lease_starts';

export interface NotificationHandlers {
  /** A notification's payload. */
  onNotice(payload: string): void;
  /** Notifications flow (again): changes from now on will be reported. */
  onListening(): void;
  /** The connection dropped: changes may be missed until onListening. */
  onLost(): void;
}

export interface KeyChangeHandlers extends Omit<NotificationHandlers, 'onNotice'> {
  /** A key (by its hash) changed, or every key ({@link EVERY_KEY}). */
  onChange(keyHash: string): void;
}

const RECONNECT_MS = 1_000;

/** Watches key changes (see {@link watchNotifications}). */
export function watchKeyChanges(url: string, handlers: KeyChangeHandlers): NotificationWatch {
  return watchNotifications(url, KEY_CHANGES_CHANNEL, {
    onNotice: (payload) => handlers.onChange(payload || EVERY_KEY),
    onListening: () => handlers.onListening(),
    onLost: () => handlers.onLost(),
  });
}

export interface NotificationWatch {
  close(): Promise<void>;
  /**
   * With a heartbeat: when the newest answered heartbeat was sent. PostgreSQL delivers notifications before it
   * answers a query, so every notification committed before that moment has been handed to `onNotice`.
   */
  confirmedAt(): number;
}

/**
 * Keeps one connection LISTENing on `channel`, reconnecting every second after a drop. Notifications arrive
 * after the notifying transaction commits, a few ms later, on every process watching. With `heartbeatMs`, the
 * connection is also asked a trivial query that often, and a connection that stops answering (a silent network
 * failure sends no `end`) counts as lost after two heartbeats.
 */
export function watchNotifications(
  url: string,
  channel: string,
  handlers: NotificationHandlers,
  options: { heartbeatMs?: number } = {},
): NotificationWatch {
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  let confirmedAt = 0;

  const beat = (current: pg.Client, every: number) => {
    let pendingSince: number | undefined;
    heartbeat = setInterval(() => {
      if (pendingSince !== undefined) {
        if (Date.now() - pendingSince > 2 * every) lost(current);
        return;
      }
      const sentAt = Date.now();
      pendingSince = sentAt;
      current.query('SELECT 1').then(
        () => {
          pendingSince = undefined;
          confirmedAt = sentAt;
        },
        () => lost(current),
      );
    }, every);
    heartbeat.unref();
  };

  const lost = (failed: pg.Client) => {
    if (client !== failed) return;
    client = undefined;
    clearInterval(heartbeat);
    confirmedAt = 0;
    failed.removeAllListeners('notification');
    failed.end().catch(() => undefined);
    handlers.onLost();
    if (!closed) timer = setTimeout(connect, RECONNECT_MS).unref();
  };

  const connect = () => {
    timer = undefined;
    // Named after its channel, so an operator sees in pg_stat_activity what the connection is for.
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 2_000,
      application_name: `listen:${channel}`,
    });
    client = next;
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotice(message.payload ?? '');
    });
    let listenSentAt = 0;
    next
      .connect()
      .then(() => {
        listenSentAt = Date.now();
        return next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      })
      .then(() => {
        if (client !== next || closed) return;
        confirmedAt = listenSentAt;
        if (options.heartbeatMs) beat(next, options.heartbeatMs);
        handlers.onListening();
      })
      .catch(() => lost(next));
  };

  connect();
  return {
    confirmedAt: () => confirmedAt,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
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
