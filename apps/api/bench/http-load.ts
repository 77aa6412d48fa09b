/** A closed-loop HTTP load generator over node:http keep-alive connections, with latency percentiles. */
import http from 'node:http';

export interface BenchRequest {
  /** Groups figures in the report. */
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface BenchResponse {
  status: number;
  body: string;
  ms: number;
}

export interface LoadResult {
  /** Answers recorded (after the warm-up, within the measured seconds). */
  requests: number;
  /** Answers received in all, warm-up included. */
  totalRequests: number;
  seconds: number;
  statuses: Record<number, number>;
  statusesByKind: Record<string, Record<number, number>>;
  latencies: Map<string, number[]>;
}

export function createClient(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const send = (request: BenchRequest): Promise<BenchResponse> =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.path,
          agent,
          headers: { ...request.headers, ...(request.body ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            // Decoded only when a scenario reads it: the generator shares the CPUs with the API it measures.
            let text: string | undefined;
            resolve({
              status: res.statusCode ?? 0,
              ms,
              get body() {
                text ??= Buffer.concat(chunks).toString('utf8');
                return text;
              },
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * `clients` loops, each sending its next request as soon as the previous answer arrived, for `seconds`
 * (after `warmupSeconds` that are not recorded). `next(client, previous)` chooses each request.
 */
export async function runClosedLoop(
  send: (request: BenchRequest) => Promise<BenchResponse>,
  options: { clients: number; seconds: number; warmupSeconds: number },
  next: (client: number, previous: { request: BenchRequest; response: BenchResponse } | null) => BenchRequest,
): Promise<LoadResult> {
  const startedAt = performance.now();
  const recordFrom = startedAt + options.warmupSeconds * 1000;
  const stopAt = recordFrom + options.seconds * 1000;
  const result: LoadResult = {
    requests: 0,
    totalRequests: 0,
    seconds: options.seconds,
    statuses: {},
    statusesByKind: {},
    latencies: new Map(),
  };
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      let previous: { request: BenchRequest; response: BenchResponse } | null = null;
      while (performance.now() < stopAt) {
        const request = next(client, previous);
        const response = await send(request);
        result.totalRequests += 1;
        if (performance.now() >= recordFrom && performance.now() < stopAt) {
          result.requests += 1;
          result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
          result.statusesByKind[request.kind] ??= {};
          const byKind = result.statusesByKind[request.kind]!;
          byKind[response.status] = (byKind[response.status] ?? 0) + 1;
          const list = result.latencies.get(request.kind) ?? [];
          list.push(response.ms);
          result.latencies.set(request.kind, list);
        }
        previous = { request, response };
      }
    }),
  );
  return result;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const allLatencies = (result: LoadResult) => [...result.latencies.values()].flat();

export const median = (values: number[]) => percentile(values, 50);
