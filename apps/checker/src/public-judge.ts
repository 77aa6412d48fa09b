import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from '@proxy-pool/ssrf';

export type AddressLookup = (hostname: string) => Promise<string[]>;

const systemLookup: AddressLookup = async (hostname) =>
  (await lookup(hostname, { all: true })).map((entry) => entry.address);

/**
 * Why this checker cannot judge real proxies, or undefined when it can. Every proxy under test must reach the
 * judge from the internet, and the checker learns its own egress address from the same judge: a JUDGE_URL on a
 * private or loopback address fails every real proxy and misjudges anonymity. Only a setup that probes private
 * proxies on purpose (ALLOW_PRIVATE_TARGETS: tests, local development) may use one.
 */
export async function privateJudgeProblem(
  judgeUrl: string,
  allowPrivate: boolean,
  resolve: AddressLookup = systemLookup,
): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const hostname = new URL(judgeUrl).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
  } catch (error) {
    return `JUDGE_URL ${judgeUrl} does not resolve (${(error as Error).message}): set it to the judge's public address`;
  }
  const hidden = addresses.find((address) => !isPublicAddress(address));
  if (hidden === undefined) return undefined;
  return `JUDGE_URL ${judgeUrl} resolves to ${hidden}, which no proxy on the internet can reach: set it to the judge's public address (or ALLOW_PRIVATE_TARGETS=true to probe private proxies only)`;
}
