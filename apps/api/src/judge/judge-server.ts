import { createServer, type RequestListener, type Server } from 'node:http';
import { createJudgeHandler } from '@proxy-pool/checkers';

/**
 * The public judge on a listener of its own: GET /judge (the checkers' target, through every proxy) and GET /live.
 * Stateless (no database, no Redis, no API key), so it can face the internet while the API stays private.
 * It must see the caller's real address: expose it through a TCP load balancer that keeps the source address
 * (`externalTrafficPolicy: Local`), never an HTTP ingress, whose X-Forwarded-For would make every proxy look anonymous.
 */
export function createJudgeServer(options: { secret: string }): Server {
  return createServer(judgeRequestListener(options));
}

/** The judge listener's requests (GET /judge, GET /live, 404 for the rest), over HTTP or TLS alike. */
export function judgeRequestListener(options: { secret: string }): RequestListener {
  const judge = createJudgeHandler({ secret: options.secret });
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/judge') return judge(req, res);
    req.resume();
    const [status, body] =
      path === '/live'
        ? [200, { status: 'ok' }]
        : [404, { error: { code: 'NOT_FOUND', message: 'This listener serves GET /judge only', details: null } }];
    res
      .writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
      .end(JSON.stringify(body));
  };
}
