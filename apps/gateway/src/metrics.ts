import { collectProcessMetrics, METRIC_PREFIX } from '@proxy-pool/worker-runtime';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  /** Client connections (CONNECT tunnels, SOCKS5 tunnels, plain HTTP requests) by kind and outcome. */
  connections: Counter<'kind' | 'outcome'>;
  tries: Histogram;
  upstreamLatency: Histogram<'protocol'>;
  bytes: Counter<'direction'>;
  activeTunnels: Gauge;
}

export const CONNECTION_OUTCOMES = ['served', 'refused', 'no_proxy', 'upstream_failed'] as const;
export type ConnectionOutcome = (typeof CONNECTION_OUTCOMES)[number];

/** A registry per gateway instance (the all-in-one launcher and tests run several in one process). */
export function createGatewayMetrics(defaults = false): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (defaults) collectProcessMetrics(registry);
  const connections = new Counter({
    name: `${METRIC_PREFIX}gateway_connections_total`,
    help: 'Client connections and plain HTTP requests, by kind (http, connect, socks5) and outcome',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  for (const kind of ['http', 'connect', 'socks5'])
    for (const outcome of CONNECTION_OUTCOMES) connections.inc({ kind, outcome }, 0);
  return {
    registry,
    connections,
    tries: new Histogram({
      name: `${METRIC_PREFIX}gateway_tries_per_connection`,
      help: 'Upstream proxies tried per client connection',
      buckets: [1, 2, 3, 5, 10],
      registers,
    }),
    upstreamLatency: new Histogram({
      name: `${METRIC_PREFIX}gateway_upstream_connect_seconds`,
      help: 'Time to open a connection (and its tunnel) through an upstream proxy',
      labelNames: ['protocol'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    }),
    bytes: new Counter({
      name: `${METRIC_PREFIX}gateway_bytes_total`,
      help: 'Bytes relayed, by direction (in: client to upstream, out: upstream to client)',
      labelNames: ['direction'],
      registers,
    }),
    activeTunnels: new Gauge({
      name: `${METRIC_PREFIX}gateway_active_tunnels`,
      help: 'Tunnels and plain HTTP exchanges open now',
      registers,
    }),
  };
}
