import type { Router } from 'express';
import type { ApiContext } from '../context.js';
import { accountRoutes } from './account.routes.js';
import { adminRoutes } from './admin.routes.js';
import { docsRoutes } from './docs.routes.js';
import { gatewayAccountRoutes } from './gateway-account.routes.js';
import { authRoutes, registerRoutes } from './auth.routes.js';
import { healthRoutes } from './health.routes.js';
import { queueBoardRoutes } from '../http/queue-board.js';
import { judgeRoutes } from './judge.routes.js';
import { metricsRoutes } from '../http/metrics.js';
import { proxiesRoutes } from './proxies.routes.js';
import { proxyDetailRoutes } from './proxy-detail.routes.js';
import { siteChecksRoutes } from './site-checks.routes.js';
import { sourcesRoutes } from './sources.routes.js';
import { statsRoutes } from './stats.routes.js';
import { webhooksRoutes } from './webhooks.routes.js';

/** A router and the path prefixes it serves (its routes carry full paths). */
export interface MountedRoutes {
  paths: string[];
  router: Router;
}

/** Routes that need no API key. */
export function publicRoutes(ctx: ApiContext): MountedRoutes[] {
  return [
    { paths: ['/health', '/ready', '/live'], router: healthRoutes(ctx) },
    { paths: ['/auth/register'], router: registerRoutes(ctx) },
    { paths: ['/judge'], router: judgeRoutes(ctx) },
    { paths: ['/openapi.json', '/docs'], router: docsRoutes(ctx) },
    { paths: ['/metrics'], router: metricsRoutes(ctx) },
  ];
}

/** Routes behind Bearer authentication. Admin-only routes add `requireAdmin` themselves. */
export function protectedRoutes(ctx: ApiContext): MountedRoutes[] {
  return [
    { paths: ['/auth/keys'], router: authRoutes(ctx) },
    { paths: ['/account/webhooks'], router: webhooksRoutes(ctx) },
    { paths: ['/account/usage', '/account/gateway'], router: gatewayAccountRoutes(ctx) },
    { paths: ['/account'], router: accountRoutes(ctx) },
    { paths: ['/admin/queues'], router: queueBoardRoutes(ctx) },
    { paths: ['/admin'], router: adminRoutes(ctx) },
    { paths: ['/sources'], router: sourcesRoutes(ctx) },
    { paths: ['/site-checks'], router: siteChecksRoutes(ctx) },
    { paths: ['/proxies'], router: proxiesRoutes(ctx) },
    { paths: ['/proxies'], router: proxyDetailRoutes(ctx) },
    { paths: ['/stats'], router: statsRoutes(ctx) },
  ];
}
