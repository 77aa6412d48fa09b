/**
 * Up to `count` distinct items drawn at random, each with odds proportional to its weight (without
 * replacement): better-scored proxies come first more often, but never always the same one.
 */
export function drawWeighted<T>(
  items: readonly T[],
  weight: (item: T) => number,
  count: number,
  random: () => number = Math.random,
): T[] {
  const pool = items.map((item) => ({ item, weight: Math.max(weight(item), 0) }));
  const drawn: T[] = [];
  let total = pool.reduce((sum, entry) => sum + entry.weight, 0);
  while (drawn.length < count && pool.length > 0) {
    const at = random() * total;
    let cumulative = 0;
    let index = pool.findIndex((entry) => {
      cumulative += entry.weight;
      return at < cumulative;
    });
    if (index < 0) index = pool.length - 1;
    const [entry] = pool.splice(index, 1);
    if (entry === undefined) break;
    total -= entry.weight;
    drawn.push(entry.item);
  }
  return drawn;
}

/**
 * A proxy's odds: its score (0..1) plus a floor, so a fresh or poorly scored proxy still gets some traffic,
 * times its success ratio through the gateway ((successes + 1) / (successes + failures + 1)): a proxy that
 * keeps failing for gateway clients is drawn less until its next check says otherwise.
 */
export const proxyWeight = (proxy: { score: number; gatewaySuccesses: number; gatewayFailures: number }): number =>
  (0.1 + proxy.score) * ((proxy.gatewaySuccesses + 1) / (proxy.gatewaySuccesses + proxy.gatewayFailures + 1));
