import { Anonymity, ProxyProtocol } from '../generated/client/index.js';

const PROXY_PROTOCOLS = Object.values(ProxyProtocol);
const ANONYMITY_LEVELS = Object.values(Anonymity);

/**
 * A username (or an allowlist entry's default parameters) the gateway refuses. The gateway answers it with
 * 407 and the code in `X-Gateway-Error`; the API refuses such an allowlist entry with 422.
 */
export class GatewayParamError extends Error {
  override readonly name = 'GatewayParamError';

  constructor(
    readonly code: 'UNKNOWN_PARAMETER' | 'INVALID_PARAMETER',
    message: string,
  ) {
    super(message);
  }
}

/** What a client asks for through its proxy username (`handle-country-DE-session-abc-sesstime-30`). */
export interface SteeringParams {
  country?: string;
  protocol?: ProxyProtocol;
  anonymity?: Anonymity;
  minScore?: number;
  session?: string;
  /** Minutes a sticky session's lease lasts (1–60); only with `session`. */
  sessionMinutes: number;
}

export const DEFAULT_SESSION_MINUTES = 10;

type Setter = (params: SteeringParams, value: string) => string | undefined;

const oneOf =
  <T extends string>(allowed: readonly T[], set: (params: SteeringParams, value: T) => void): Setter =>
  (params, value) => {
    if (!(allowed as readonly string[]).includes(value)) return `must be one of ${allowed.join(', ')}`;
    set(params, value as T);
    return undefined;
  };

const SETTERS: Record<string, Setter> = {
  country: (params, value) => {
    if (!/^[A-Za-z]{2}$/.test(value)) return 'must be a two-letter country code (ISO 3166-1 alpha-2)';
    params.country = value.toUpperCase();
    return undefined;
  },
  protocol: oneOf(PROXY_PROTOCOLS, (params, value) => {
    params.protocol = value;
  }),
  anon: oneOf(ANONYMITY_LEVELS, (params, value) => {
    params.anonymity = value;
  }),
  minscore: (params, value) => {
    const score = Number(value);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(value) || score < 0 || score > 1) return 'must be a number from 0.0 to 1.0';
    params.minScore = score;
    return undefined;
  },
  session: (params, value) => {
    if (!/^[A-Za-z0-9]{1,32}$/.test(value)) return 'must be 1 to 32 letters or digits';
    params.session = value;
    return undefined;
  },
  sesstime: (params, value) => {
    const minutes = Number(value);
    if (!/^\d{1,2}$/.test(value) || minutes < 1 || minutes > 60)
      return 'must be a whole number of minutes from 1 to 60';
    params.sessionMinutes = minutes;
    return undefined;
  },
};

/**
 * Parses `handle[-name-value]...`. The handle is free (a label for the client's own use); every parameter
 * after it must be known and well-formed, each at most once, or the whole username is refused.
 */
export function parseUsername(username: string): SteeringParams {
  const [handle = '', ...rest] = username.split('-');
  if (handle === '')
    throw new GatewayParamError(
      'INVALID_PARAMETER',
      'The username must start with a handle (any name), e.g. "user-country-DE".',
    );
  return applyParams({ sessionMinutes: DEFAULT_SESSION_MINUTES }, rest);
}

/** Parameters without a handle (`country-DE-session-abc`), as an allowlist entry stores its defaults. */
export function parseParamList(list: string): SteeringParams {
  return applyParams({ sessionMinutes: DEFAULT_SESSION_MINUTES }, list === '' ? [] : list.split('-'));
}

function applyParams(params: SteeringParams, parts: string[]): SteeringParams {
  const seen = new Set<string>();
  let sessionTimeGiven = false;
  for (let i = 0; i < parts.length; i += 2) {
    const name = (parts[i] ?? '').toLowerCase();
    const value = parts[i + 1];
    const setter = SETTERS[name];
    if (setter === undefined) {
      throw new GatewayParamError(
        'UNKNOWN_PARAMETER',
        `Unknown parameter "${parts[i]}"; known: ${Object.keys(SETTERS).join(', ')}.`,
      );
    }
    if (value === undefined || value === '')
      throw new GatewayParamError('INVALID_PARAMETER', `Parameter "${name}" needs a value ("-${name}-<value>").`);
    if (seen.has(name)) throw new GatewayParamError('INVALID_PARAMETER', `Parameter "${name}" is given twice.`);
    seen.add(name);
    const problem = setter(params, value);
    if (problem !== undefined)
      throw new GatewayParamError('INVALID_PARAMETER', `Parameter "${name}" ${problem} (got "${value}").`);
    if (name === 'sesstime') sessionTimeGiven = true;
  }
  if (sessionTimeGiven && params.session === undefined) {
    throw new GatewayParamError('INVALID_PARAMETER', 'Parameter "sesstime" needs a "session" parameter.');
  }
  return params;
}
