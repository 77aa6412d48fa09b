/** Thrown (or passed to a lookup callback) when a request would reach a non-public address. */
export class SsrfError extends Error {
  readonly code = 'ERR_SSRF';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`SSRF: ${host} resolves to ${address}, a private address`);
    this.name = 'SsrfError';
  }
}
