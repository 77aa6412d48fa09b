import { minutesAgo, type SeedProxy } from './seed.js';

/**
 * The home country's rows of the GET /proxies query tests: one of each protocol and anonymity with distinct
 * sort keys, dead and unchecked ones, and a row tying the first on every sort key (the id tie-break).
 */
export function queryFixture(): SeedProxy[] {
  return [
    {
      protocol: 'http',
      anonymity: 'elite',
      score: 0.9,
      avgLatencyMs: 100,
      uptimeRatio: 0.99,
      lastCheckedAt: minutesAgo(1),
    },
    {
      protocol: 'https',
      anonymity: 'anonymous',
      score: 0.8,
      avgLatencyMs: 300,
      uptimeRatio: 0.95,
      lastCheckedAt: minutesAgo(5),
    },
    {
      protocol: 'socks4',
      anonymity: 'transparent',
      score: 0.7,
      avgLatencyMs: 50,
      uptimeRatio: 0.9,
      lastCheckedAt: minutesAgo(20),
    },
    {
      protocol: 'socks5',
      anonymity: 'elite',
      score: 0.87,
      avgLatencyMs: 245.3,
      uptimeRatio: 0.942,
      lastCheckedAt: minutesAgo(2),
      exitIp: '203.0.113.42',
      tags: { provider: 'datacenter' },
    },
    {
      status: 'dead',
      protocol: 'http',
      anonymity: 'anonymous',
      score: 0,
      avgLatencyMs: null,
      uptimeRatio: 0.1,
      lastCheckedAt: minutesAgo(60),
    },
    {
      status: 'dead',
      protocol: 'socks5',
      anonymity: null,
      score: 0,
      avgLatencyMs: 900,
      uptimeRatio: 0.05,
      lastCheckedAt: minutesAgo(120),
    },
    {
      status: 'unchecked',
      protocol: 'http',
      anonymity: null,
      score: 0,
      avgLatencyMs: null,
      uptimeRatio: 0,
      lastCheckedAt: null,
    },
    {
      status: 'unchecked',
      protocol: 'https',
      anonymity: null,
      score: 0,
      avgLatencyMs: null,
      uptimeRatio: 0,
      lastCheckedAt: null,
    },
    // Ties with the first row on every sort key, to exercise the id tie-break.
    {
      protocol: 'http',
      anonymity: 'elite',
      score: 0.9,
      avgLatencyMs: 100,
      uptimeRatio: 0.99,
      lastCheckedAt: minutesAgo(1),
    },
  ];
}
