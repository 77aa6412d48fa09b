import { createServer, type Server } from 'node:http';
import { listen } from './listen.js';

/** Readiness with reasons: `problems` lists what is wrong (shown in the /readyz answer). */
export interface Readiness {
  ready: boolean;
  problems?: string[];
}

export interface HealthChecks {
  /** Liveness: the process is making progress (recent job activity or an idle heartbeat). */
  isLive: () => boolean;
  /** Readiness: Redis and PostgreSQL answer (and whatever else the role needs, e.g. its job schedulers). */
  isReady: () => Promise<boolean | Readiness>;
  /** Optional Prometheus text for /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/** The small HTTP port every worker exposes: /healthz, /readyz, /metrics. */
export async function startHealthServer(port: number, checks: HealthChecks, host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/healthz') {
      const live = checks.isLive();
      answer(live ? 200 : 503, { status: live ? 'ok' : 'stalled' });
    } else if (path === '/readyz') {
      checks.isReady().then(
        (verdict) => {
          const { ready, problems = [] } = typeof verdict === 'boolean' ? { ready: verdict } : verdict;
          answer(
            ready ? 200 : 503,
            problems.length > 0
              ? { status: ready ? 'ready' : 'not ready', problems }
              : { status: ready ? 'ready' : 'not ready' },
          );
        },
        () => answer(503, { status: 'not ready' }),
      );
    } else if (path === '/metrics' && checks.metrics) {
      checks.metrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        () => answer(500, { status: 'metrics unavailable' }),
      );
    } else {
      answer(404, { status: 'not found' });
    }
  });
  await listen(server, port, host, 'HEALTH_PORT');
  return server;
}
