import { describe, expect, it } from '@jest/globals';
import {
  applyValidation,
  computeScore,
  DEFAULT_SCORING,
  nextCheckDelayMs,
  type ProxyFigures,
} from '../src/proxy-state.js';

const fresh: ProxyFigures = {
  status: 'unchecked',
  anonymity: null,
  exitIp: null,
  country: null,
  score: 0,
  avgLatencyMs: null,
  uptimeRatio: 0,
  checksTotal: 0,
  checksPassed: 0,
  consecutiveFailures: 0,
  asn: null,
  asOrg: null,
  ipType: 'unknown',
};
const pass = { passed: true, latencyMs: 1000, anonymity: 'elite' as const, exitIp: '127.0.0.9', country: 'US' };
const fail = { passed: false, latencyMs: null };

describe('proxy state', () => {
  it('scores 0.5·uptime + 0.3·latency + 0.2·anonymity', () => {
    const s = DEFAULT_SCORING;
    expect(computeScore({ status: 'active', uptimeRatio: 1, avgLatencyMs: 1000, anonymity: 'elite' }, s)).toBeCloseTo(
      0.5 + 0.3 * 0.8 + 0.2,
      4,
    );
    expect(
      computeScore({ status: 'active', uptimeRatio: 0.5, avgLatencyMs: 10_000, anonymity: 'transparent' }, s),
    ).toBeCloseTo(0.25 + 0 + 0.04, 4);
    expect(
      computeScore({ status: 'active', uptimeRatio: 0.8, avgLatencyMs: 2500, anonymity: 'anonymous' }, s),
    ).toBeCloseTo(0.4 + 0.15 + 0.12, 4);
    expect(computeScore({ status: 'dead', uptimeRatio: 1, avgLatencyMs: 10, anonymity: 'elite' }, s)).toBe(0);
  });

  it('activates on the first pass and records exit IP, anonymity and country', () => {
    const next = applyValidation(fresh, pass, DEFAULT_SCORING);
    expect(next).toMatchObject({
      status: 'active',
      anonymity: 'elite',
      exitIp: '127.0.0.9',
      country: 'US',
      uptimeRatio: 1,
      avgLatencyMs: 1000,
    });
    expect(next.score).toBeCloseTo(0.94, 4);
  });

  it('keeps an active proxy through K-1 failures, kills it at K, revives it on a pass', () => {
    let figures = applyValidation(fresh, pass, DEFAULT_SCORING);
    figures = applyValidation(figures, fail, DEFAULT_SCORING);
    expect(figures.status).toBe('active');
    expect(figures.uptimeRatio).toBeCloseTo(0.7, 5);
    figures = applyValidation(figures, fail, DEFAULT_SCORING);
    expect(figures.status).toBe('active');
    figures = applyValidation(figures, fail, DEFAULT_SCORING);
    expect(figures).toMatchObject({ status: 'dead', score: 0, consecutiveFailures: 3 });
    figures = applyValidation(figures, pass, DEFAULT_SCORING);
    expect(figures).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    expect(figures.uptimeRatio).toBeCloseTo(0.7 * 0.7 * 0.7 * 0.7 + 0.3, 5);
  });

  it('marks a proxy that never worked dead on its first failure', () => {
    expect(applyValidation(fresh, fail, DEFAULT_SCORING)).toMatchObject({ status: 'dead', uptimeRatio: 0, score: 0 });
  });

  it('averages latency over passing checks only', () => {
    let figures = applyValidation(fresh, { ...pass, latencyMs: 100 }, DEFAULT_SCORING);
    figures = applyValidation(figures, fail, DEFAULT_SCORING);
    figures = applyValidation(figures, { ...pass, latencyMs: 200 }, DEFAULT_SCORING);
    expect(figures.avgLatencyMs).toBeCloseTo(130, 5);
  });

  it('re-checks active proxies every few minutes and dead ones with exponential backoff', () => {
    const mid = () => 0.5;
    const active = applyValidation(fresh, pass, DEFAULT_SCORING);
    expect(nextCheckDelayMs(active, DEFAULT_SCORING, mid)).toBe(DEFAULT_SCORING.activeRecheckMs);
    const dead1 = applyValidation(fresh, fail, DEFAULT_SCORING);
    const dead2 = applyValidation(dead1, fail, DEFAULT_SCORING);
    expect(nextCheckDelayMs(dead2, DEFAULT_SCORING, mid)).toBe(2 * nextCheckDelayMs(dead1, DEFAULT_SCORING, mid));
    let many = dead2;
    for (let i = 0; i < 40; i += 1) many = applyValidation(many, fail, DEFAULT_SCORING);
    expect(nextCheckDelayMs(many, DEFAULT_SCORING, mid)).toBe(DEFAULT_SCORING.deadRecheckMaxMs);
    const spread = [0, 1].map((r) => nextCheckDelayMs(active, DEFAULT_SCORING, () => r));
    expect(spread).toEqual([DEFAULT_SCORING.activeRecheckMs * 0.8, DEFAULT_SCORING.activeRecheckMs * 1.2]);
  });
});
