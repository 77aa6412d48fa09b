/** Every error code the API answers with, and its HTTP status. One table, one source of truth. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNKNOWN_SITE_CHECK: 400,
  INVALID_JSON: 400,
  INVALID_CURSOR: 400,
  UNAUTHORIZED: 401,
  INSUFFICIENT_CREDITS: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NO_MATCHING_PROXY: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  LAST_KEY: 409,
  INSUFFICIENT_BALANCE: 409,
  ALL_PROXIES_LEASED: 409,
  WEBHOOK_LIMIT: 409,
  SOURCE_EXISTS: 409,
  SITE_CHECK_EXISTS: 409,
  LEASE_REPORT_CLOSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_ERROR: 422,
  NO_MATCHING_PARSER: 422,
  UNSAFE_URL: 422,
  RATE_LIMITED: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SCRAPE_FAILED: 502,
  URL_TEST_FAILED: 502,
  SERVICE_UNAVAILABLE: 503,
  URL_TEST_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found.`);

/** Thrown when PostgreSQL or Redis cannot serve a request right now. */
export const unavailable = (part: string) =>
  new AppError(
    'SERVICE_UNAVAILABLE',
    `The service is temporarily unavailable (${part}). Retry shortly.`,
    { dependency: part },
    { 'Retry-After': '5' },
  );
