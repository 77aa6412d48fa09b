import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A PostgreSQL ErrorResponse message: severity FATAL, a SQLSTATE and its text. */
function fatal(sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

export interface SwitchablePostgres {
  /** `baseUrl` with its host and port pointing at this relay. */
  url: string;
  /**
   * Acts as a server in the middle of a shutdown: every open session is ended with `57P01 terminating connection
   * due to administrator command`, every new one refused with `57P03 the database system is shutting down`.
   */
  shutDown(): void;
  /** Relays to the real server again. */
  restore(): void;
  close(): Promise<void>;
}

/** A loopback relay in front of the PostgreSQL of `baseUrl` that can play a server shutting down. */
export async function switchablePostgres(baseUrl: string): Promise<SwitchablePostgres> {
  const target = new URL(baseUrl);
  const sessions = new Set<{ client: Socket; upstream: Socket }>();
  let down = false;
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (down) {
      // Answer the startup message the way a shutting-down server does.
      client.once('data', () => client.end(fatal('57P03', 'the database system is shutting down')));
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    upstream.on('error', () => client.destroy());
    const session = { client, upstream };
    sessions.add(session);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      sessions.delete(session);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(baseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    shutDown() {
      down = true;
      for (const { client, upstream } of sessions) {
        upstream.unpipe(client);
        upstream.destroy();
        client.end(fatal('57P01', 'terminating connection due to administrator command'));
      }
    },
    restore() {
      down = false;
    },
    async close() {
      for (const { client, upstream } of sessions) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
