/** The backing services a request can depend on. */
export type Dependency = 'postgres' | 'redis';

/**
 * A backing service cannot serve right now (down, restarting, shutting down, unreachable, out of
 * connections): the same request may succeed once it is back. Raised or recognised by the packages that talk
 * to the service (`@proxy-pool/db`, `@proxy-pool/queues`) from their drivers' error codes and classes, so an
 * app maps one type to "retry later" (503) instead of reading message texts.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Node's system error codes of a connection that could not be made or was lost. Connection failures of
 * several addresses (Happy Eyeballs) arrive as an AggregateError carrying the code too.
 */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True for a Node system error (it has a `syscall`, or is the AggregateError of several attempts) saying a
 * connection failed or broke. Duck-typed: Node's own errors may come from another realm (a vm context).
 */
export function isConnectionError(error: unknown): boolean {
  const { code, syscall, errors } = (error ?? {}) as { code?: unknown; syscall?: unknown; errors?: unknown };
  return (
    typeof code === 'string' &&
    CONNECTION_ERROR_CODES.has(code) &&
    (typeof syscall === 'string' || Array.isArray(errors))
  );
}

/** `error`, then its causes, outermost first (bounded: a cycle of causes must not loop forever). */
export function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}
