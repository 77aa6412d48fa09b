/**
 * A check that failed for a reason worth one precise line in a check row's detail. It is an expected outcome,
 * not a fault: only its message is ever read, so it captures no stack trace (a sweep of dead addresses makes one
 * per validation, and capturing the stack was ~2 % of the checker's CPU there).
 */
export class CheckFailure extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}
CheckFailure.prototype.name = 'CheckFailure';

/** An HTTP proxy answered CONNECT with a non-2xx status: it opens no tunnels (to that port, at least). */
export class ConnectRefused extends CheckFailure {
  constructor(readonly status: number) {
    super(`CONNECT refused: proxy answered ${status}`);
  }
}

/** A socket error as an operator would say it. */
export function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EPIPE':
      return 'connection closed while sending';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'connect timed out (kernel)';
    case 'EADDRNOTAVAIL':
      return 'address not available';
    case 'EMFILE':
    case 'ENFILE':
      return 'checker out of file descriptors';
    default:
      return error.code === undefined ? error.message : `${error.message} (${error.code})`;
  }
}

export function failureDetail(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  return `unexpected error: ${errorMessage(error)}`;
}

/** The message of anything thrown (errors from another realm, e.g. under jest's VM, fail `instanceof Error`). */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}
