import type { Server } from 'node:net';

/** A port we were told to listen on is taken (or not ours to take): the operator must change `setting`. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';

  constructor(
    readonly port: number,
    readonly host: string,
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`cannot listen on ${host}:${port} (${reason}): set ${setting} to a free port`);
  }
}

/** `server.listen` as a promise that fails with PortUnavailableError instead of an unhandled 'error' event. */
export function listen<S extends Server>(server: S, port: number, host: string, setting: string): Promise<S> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new PortUnavailableError(port, host, setting, error.code)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
