/**
 * Strict address and port checks shared by every built-in parser.
 *
 * IPv6 literals (`[::1]:8080`, `2001:db8::1`) are deliberately rejected and counted as skipped: public
 * proxy lists publish IPv4 almost exclusively, an unbracketed `host:port` with IPv6 is ambiguous, and the
 * rest of the pipeline (host:port rendering, judge exit-IP comparison, geo lookups) is built around IPv4.
 * Supporting IPv6 later means relaxing `parseIPv4` here, in one place.
 */

const DOT = 46;
const ZERO = 48;
const NINE = 57;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * Returns the address as a 32-bit number, or null. Strict: four decimal octets 0-255, no leading zeros
 * (`010.1.1.1` is refused because some resolvers read it as octal), no signs, no spaces; so a valid
 * input is already its own canonical form.
 */
export function ipv4ToNumber(value: string): number | null {
  if (value.length < 7 || value.length > 15) return null;
  let result = 0;
  let octets = 0;
  let digits = 0;
  let octet = 0;
  for (let i = 0; i <= value.length; i++) {
    const code = i < value.length ? value.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (digits === 0 || octet > 255) return null;
      if (digits > 1 && value.charCodeAt(i - digits) === ZERO) return null;
      result = result * 256 + octet;
      octets++;
      digits = 0;
      octet = 0;
    } else if (isDigit(code) && digits < 3) {
      octet = octet * 10 + (code - ZERO);
      digits++;
    } else {
      return null;
    }
  }
  return octets === 4 ? result : null;
}

/** Returns the port as an integer 1-65535, or null. Accepts a decimal string or an integer number. */
export function parsePort(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : null;
  if (value.length === 0 || value.length > 5) return null;
  let port = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return null;
    port = port * 10 + (code - ZERO);
  }
  return port >= 1 && port <= 65535 ? port : null;
}

/** Loose shape test for format detection: `d.d.d.d` with 1-3 digits each, values not checked. */
export function looksLikeIPv4(value: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value);
}

/** Loose shape test for format detection: 1-5 digits. */
export function looksLikePort(value: string): boolean {
  return /^\d{1,5}$/.test(value);
}
