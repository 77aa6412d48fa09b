export { isPublicAddress } from './address-policy.js';
export { checkUrl } from './check-url.js';
export type { CheckUrlOptions, CheckUrlResult } from './check-url.js';
export { assertLiteralTargetAllowed, ssrfGotOptions } from './got-options.js';
export type { RequestTarget, SsrfGotOptions, SsrfHook } from './got-options.js';
export { safeLookup } from './safe-lookup.js';
export type { SsrfOptions } from './safe-lookup.js';
export { SsrfError } from './ssrf-error.js';
