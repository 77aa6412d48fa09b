/** How an upstream try failed: a connect failure or timeout makes the proxy due for a re-check at once. */
export type UpstreamFailureKind = 'connect' | 'timeout' | 'handshake' | 'auth' | 'refused' | 'status';

/** One upstream proxy could not carry the connection; the gateway rotates to another. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';

  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
  ) {
    super(message);
  }
}
