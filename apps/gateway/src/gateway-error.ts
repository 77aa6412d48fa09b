/** Why the gateway refused or could not serve a client: the code travels in `X-Gateway-Error`. */
export type GatewayErrorCode =
  | 'PROXY_AUTH_REQUIRED'
  | 'INVALID_CREDENTIALS'
  | 'UNKNOWN_PARAMETER'
  | 'INVALID_PARAMETER'
  | 'INSUFFICIENT_CREDITS'
  | 'NO_MATCHING_PROXY'
  | 'ALL_PROXIES_LEASED'
  | 'UPSTREAM_FAILED'
  | 'BAD_REQUEST'
  | 'SERVICE_UNAVAILABLE';

/** One table from code to the HTTP status a client gets, and to the SOCKS5 reply code. */
const ANSWERS: Record<GatewayErrorCode, { status: number; socks5: number }> = {
  PROXY_AUTH_REQUIRED: { status: 407, socks5: 0x02 },
  INVALID_CREDENTIALS: { status: 407, socks5: 0x02 },
  UNKNOWN_PARAMETER: { status: 407, socks5: 0x02 },
  INVALID_PARAMETER: { status: 407, socks5: 0x02 },
  INSUFFICIENT_CREDITS: { status: 402, socks5: 0x02 },
  NO_MATCHING_PROXY: { status: 502, socks5: 0x01 },
  ALL_PROXIES_LEASED: { status: 502, socks5: 0x01 },
  UPSTREAM_FAILED: { status: 502, socks5: 0x01 },
  BAD_REQUEST: { status: 400, socks5: 0x07 },
  SERVICE_UNAVAILABLE: { status: 503, socks5: 0x01 },
};

/** An expected refusal: answered to the client with its code, never logged as a fault. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ANSWERS[this.code].status;
  }

  get socks5Reply(): number {
    return ANSWERS[this.code].socks5;
  }
}
