import { describe, expect, it } from '@jest/globals';
import { PROXY_PROTOCOLS } from './common.js';
import type { CheckContext, Checker, CheckTarget } from './checker.js';
import type { Notifier, NotifierEvent } from './notifier.js';
import type { ParseContext, SourceParser } from './parser.js';

export interface ParserContractCase {
  /** A realistic body in the parser's format. */
  body: string;
  /** ip:port pairs the body must yield, in any order. */
  expected: string[];
  /** A body of another format that the parser must not claim. */
  foreignBody: string;
}

/** The behaviour every SourceParser promises. Call from the parser's own test file. */
export function describeParserContract(parser: SourceParser, example: ParserContractCase): void {
  const context: ParseContext = { defaultProtocol: 'http' };
  describe(`SourceParser contract: ${parser.name}`, () => {
    it('declares its type and a name', () => {
      expect(parser.type).toBe('SourceParser');
      expect(parser.name).toMatch(/^[a-z][a-z0-9_-]*$/);
    });
    it('claims its own format and not a foreign one', () => {
      expect(parser.supports({ body: example.body })).toBe(true);
      expect(parser.supports({ body: example.foreignBody })).toBe(false);
    });
    it('never throws from supports(), even on odd input', () => {
      for (const body of ['', '\u0000\uFFFF', '{'.repeat(1000), 'x'.repeat(100_000)]) {
        expect(() => parser.supports({ body })).not.toThrow();
      }
    });
    it('yields the expected proxies with valid fields', () => {
      const result = parser.parse(example.body, context);
      const found = result.proxies.map((p) => `${p.ip}:${p.port}`).sort();
      expect(found).toEqual([...example.expected].sort());
      for (const proxy of result.proxies) {
        expect(PROXY_PROTOCOLS).toContain(proxy.protocol);
        expect(Number.isInteger(proxy.port) && proxy.port >= 1 && proxy.port <= 65535).toBe(true);
      }
    });
    it('returns nothing for an empty body and counts no skips', () => {
      expect(parser.parse('', context)).toEqual({ proxies: [], skipped: 0 });
    });
  });
}

export interface CheckerContractOptions {
  /** A target the checker cannot reach (a closed local port). */
  unreachable: CheckTarget;
  connectTimeoutMs?: number;
}

/** The behaviour every Checker promises. */
export function describeCheckerContract(checker: Checker, options: CheckerContractOptions): void {
  describe(`Checker contract: ${checker.name}`, () => {
    it('declares a name, a stage >= 1 and an integer priority', () => {
      expect(checker.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(Number.isInteger(checker.stage) && checker.stage >= 1).toBe(true);
      expect(Number.isInteger(checker.priority)).toBe(true);
    });
    it('fails an unreachable target with a detail instead of throwing, within the timeout', async () => {
      const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
      const context: CheckContext = {
        target: options.unreachable,
        facts: { exitIp: options.unreachable.ip },
        connectTimeoutMs,
        totalTimeoutMs: connectTimeoutMs * 2,
        signal: new AbortController().signal,
      };
      const started = Date.now();
      const outcome = await checker.check(context);
      expect(Date.now() - started).toBeLessThan(connectTimeoutMs * 2 + 500);
      expect(typeof outcome.passed).toBe('boolean');
      expect(outcome.detail.length).toBeGreaterThan(0);
    });
  });
}

export interface NotifierContractOptions {
  /** Builds the notifier pointed at a receiver that accepts deliveries. */
  event: NotifierEvent;
  /** Returns the deliveries the receiver got so far (any shape with a length). */
  received: () => Promise<unknown[]>;
}

/** The behaviour every Notifier promises. */
export function describeNotifierContract(notifier: () => Notifier, options: NotifierContractOptions): void {
  describe('Notifier contract', () => {
    it('declares a name and at least one subscription', () => {
      const instance = notifier();
      expect(instance.name.length).toBeGreaterThan(0);
      expect(instance.subscribes_to.length).toBeGreaterThan(0);
    });
    it('delivers an event to a working receiver', async () => {
      const before = (await options.received()).length;
      await notifier().deliver(options.event);
      expect((await options.received()).length).toBe(before + 1);
    });
  });
}
