/** The request mixes the API benchmark sends. */
import type { BenchUser } from './bench-database.js';
import { runClosedLoop, type BenchRequest, type BenchResponse, type LoadResult } from './http-load.js';

type Send = (request: BenchRequest) => Promise<BenchResponse>;
interface Shape {
  clients: number;
  seconds: number;
  warmupSeconds: number;
}

/**
 * Filters and sorts a pool user would combine; every sort, with and without a status filter. `verified` is
 * the window covering the 10 freshest minutes of checks in the seeded data (which ages between runs).
 */
export const queryMix = (verifiedMinutes = 10): Array<{ kind: string; path: string }> => [
  { kind: 'default (score desc)', path: '/proxies' },
  { kind: 'active, latency asc', path: '/proxies?status=active&sort=latency' },
  { kind: 'http+US, score', path: '/proxies?protocol=http&country=US' },
  { kind: 'active min_score, uptime', path: '/proxies?status=active&min_score=0.8&sort=uptime' },
  { kind: 'elite max_latency, latency', path: '/proxies?anonymity=elite&max_latency_ms=500&sort=latency' },
  {
    kind: 'verified 10 min, last_checked',
    path: `/proxies?verified_within_minutes=${verifiedMinutes}&sort=last_checked`,
  },
  { kind: 'dead, last_checked asc', path: '/proxies?status=dead&sort=last_checked&order=asc' },
  {
    kind: 'DE active uptime>=90, limit 200',
    path: '/proxies?country=DE&status=active&min_uptime_pct=90&sort=uptime&limit=200',
  },
  { kind: 'latency desc (all statuses)', path: '/proxies?sort=latency&order=desc' },
  { kind: 'one AS, score', path: '/proxies?asn=3320' },
  { kind: 'hosting socks5, latency', path: '/proxies?ip_type=hosting&protocol=socks5&sort=latency' },
  { kind: 'residential active, uptime', path: '/proxies?ip_type=residential_or_business&status=active&sort=uptime' },
];

const ACQUIRE_BODIES = [
  {},
  { protocol: 'http' },
  { country: 'US' },
  { anonymity: 'elite', min_score: 0.5 },
  { protocol: 'socks5', country: 'DE' },
];

const auth = (users: BenchUser[], client: number) => ({ authorization: `Bearer ${users[client % users.length]!.key}` });

/** GET /proxies: the mix in turn; three requests in ten follow the previous answer's next page instead. */
export function queryLoad(
  send: Send,
  users: BenchUser[],
  shape: Shape,
  mix: ReturnType<typeof queryMix>,
): Promise<LoadResult> {
  let turn = 0;
  return runClosedLoop(send, shape, (client, previous) => {
    const headers = auth(users, client);
    turn += 1;
    // Only a request that follows a next page reads the previous answer: the load generator shares the
    // machine with the API, and parsing every 20 KB page would tax the API's share for nothing.
    const follow = turn % 10 < 3 && previous?.response.status === 200;
    const cursor = follow ? (JSON.parse(previous!.response.body) as { next_cursor?: string | null }).next_cursor : null;
    if (cursor && previous) {
      const base = previous.request.path.replace(/[?&]cursor=[^&]*$/, '');
      return {
        kind: 'next page',
        method: 'GET',
        path: `${base}${base.includes('?') ? '&' : '?'}cursor=${cursor}`,
        headers,
      };
    }
    const pick = mix[turn % mix.length]!;
    return { kind: pick.kind, method: 'GET', path: pick.path, headers };
  });
}

/** An authenticated request that touches no pool data: the floor every API request pays on this machine. */
export function baselineLoad(send: Send, users: BenchUser[], shape: Shape): Promise<LoadResult> {
  return runClosedLoop(send, shape, (client) => ({
    kind: 'baseline',
    method: 'GET',
    path: '/stats/plugins',
    headers: auth(users, client),
  }));
}

/**
 * POST /proxies/acquire with mixed filters and 300 s leases. `release: true` releases each lease right after
 * acquiring it (live leases stay near the client count); otherwise every lease is held and the pool fills.
 */
export function acquireLoad(send: Send, users: BenchUser[], shape: Shape, release: boolean): Promise<LoadResult> {
  let turn = 0;
  return runClosedLoop(send, shape, (client, previous) => {
    const headers = auth(users, client);
    if (release && previous?.request.kind === 'acquire' && previous.response.status === 200) {
      const { lease_id: leaseId } = JSON.parse(previous.response.body) as { lease_id: string };
      return { kind: 'release', method: 'POST', path: `/proxies/acquire/${leaseId}/release`, headers };
    }
    turn += 1;
    return {
      kind: 'acquire',
      method: 'POST',
      path: '/proxies/acquire',
      body: JSON.stringify(ACQUIRE_BODIES[turn % ACQUIRE_BODIES.length]),
      headers,
    };
  });
}
