import { defineChecker } from '@proxy-pool/plugin-contracts';
import type { CheckContext, CheckOutcome, Checker } from '@proxy-pool/plugin-contracts';
import { classifyAnonymity } from './anonymity.js';
import { CheckFailure, failureDetail } from './check-failure.js';
import { Exchange } from './exchange.js';
import { responseBody, responseHead } from './http-response.js';
import { newNonce, verifyJudgeAnswer } from './judge.js';
import { parseJudgeUrl } from './judge-target.js';
import type { JudgeTarget } from './judge-target.js';
import { basicProxyAuthorization, credentialsOf, openTunnel } from './proxy-handshakes.js';
import { BUILTIN_CHECKER_STAGES } from './stages.js';

export interface HttpAnonymityOptions {
  /** Where the judge answers, e.g. `http://api.example.com/judge`. */
  judgeUrl: string;
  /** The judge's HMAC secret. */
  secret: string;
  /** The checker's own public addresses, kept fresh with learnOwnIp(): a new array when they change, never edited in place. */
  ownIps: () => readonly string[];
  /** Cap on the judge answer (headers and body), 64 KiB by default. */
  maxResponseBytes?: number;
  /** Extra CA certificate(s) to trust for an https judge with a private certificate. */
  judgeCa?: string | Buffer;
}

const SENT_HEADERS = { 'user-agent': 'proxy-pool-checker/1', accept: 'application/json', connection: 'close' } as const;
const FIXED_HEADER_LINES = `User-Agent: ${SENT_HEADERS['user-agent']}\r\nAccept: ${SENT_HEADERS.accept}\r\nConnection: close\r\n`;

/** Stage 2: one request through the proxy, in its own protocol, to the judge; learns exit IP and anonymity. */
export function createHttpAnonymityChecker(options: HttpAnonymityOptions): Checker {
  const judge = parseJudgeUrl(options.judgeUrl);
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  return defineChecker({
    name: 'http_anonymity',
    stage: BUILTIN_CHECKER_STAGES.http_anonymity,
    priority: 0,
    check: (context) => checkThroughProxy(context, judge, options, maxBytes),
  });
}

async function checkThroughProxy(
  context: CheckContext,
  judge: JudgeTarget,
  options: HttpAnonymityOptions,
  maxBytes: number,
): Promise<CheckOutcome> {
  const { target } = context;
  const exchange = new Exchange({ ...context, maxBytes });
  try {
    const nonce = newNonce();
    await exchange.connect(target.ip, target.port);
    const credentials = credentialsOf(target);
    const viaTunnel = target.protocol !== 'http';
    if (viaTunnel) await openTunnel(exchange, target, judge);
    if (viaTunnel && judge.tls) await exchange.startTls(judge.host, options.judgeCa);
    const requestTarget = viaTunnel ? `${judge.originPrefix}${nonce}` : `${judge.absolutePrefix}${nonce}`;
    const auth = !viaTunnel && credentials ? `Proxy-Authorization: ${basicProxyAuthorization(credentials)}\r\n` : '';
    exchange.write(`GET ${requestTarget} HTTP/1.1\r\nHost: ${judge.authority}\r\n${FIXED_HEADER_LINES}${auth}\r\n`);
    const head = await exchange.read('judge answer', responseHead('judge answer'));
    if (head.status !== 200) throw new CheckFailure(`proxy answered ${head.status}`);
    const body = await exchange.read('judge answer body', responseBody(head));
    const verdict = verifyJudgeAnswer(body.toString('utf8'), nonce, options.secret);
    if (!verdict.ok) {
      const contentType = head.headers.get('content-type') ?? 'without content type';
      throw new CheckFailure(
        verdict.reason === 'judge answer not JSON'
          ? `judge answer not JSON: proxy returned ${head.status} ${contentType}`
          : verdict.reason,
      );
    }
    const latencyMs = exchange.elapsedMs();
    const anonymity = classifyAnonymity({
      headers: verdict.headers,
      remoteAddr: verdict.remoteAddr,
      ownIps: options.ownIps(),
      sentHeaders: SENT_HEADERS,
    });
    return {
      passed: true,
      latencyMs,
      detail: `${anonymity} proxy, exit IP ${verdict.remoteAddr}`,
      facts: { exitIp: verdict.remoteAddr, anonymity },
    };
  } catch (error) {
    return { passed: false, latencyMs: null, detail: failureDetail(error) };
  } finally {
    exchange.close();
  }
}
