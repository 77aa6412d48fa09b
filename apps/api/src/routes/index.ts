import type { Router } from 'express';
import type { ApiContext } from '../context.js';
import { accountRoutes } from './account.routes.js';
import { adminRoutes } from './admin.routes.js';
import { docsRoutes } from './docs.routes.js';
import { authRoutes, registerRoutes } from './auth.routes.js';
import { healthRoutes } from './health.routes.js';
import { queueBoardRoutes } from '../http/queue-board.js';
import { judgeRoutes } from './judge.routes.js';
import { proxiesRoutes } from './proxies.routes.js';
import { proxyDetailRoutes } from './proxy-detail.routes.js';
import { sourcesRoutes } from './sources.routes.js';
import { statsRoutes } from './stats.routes.js';
import { webhooksRoutes } from './webhooks.routes.js';

/** A router whose every route needs a valid API key; `paths` are the prefixes it serves. */
export interface ProtectedRoutes {
  paths: string[];
  router: Router;
}

/** Routes that need no API key. */
export function publicRoutes(ctx: ApiContext): Router[] {
  return [healthRoutes(ctx), registerRoutes(ctx), judgeRoutes(ctx), docsRoutes(ctx)];
}

/** Routes behind Bearer authentication. Admin-only routes add `requireAdmin` themselves. */
export function protectedRoutes(ctx: ApiContext): ProtectedRoutes[] {
  return [
    { paths: ['/auth/keys'], router: authRoutes(ctx) },
    { paths: ['/account/webhooks'], router: webhooksRoutes(ctx) },
    { paths: ['/account'], router: accountRoutes(ctx) },
    { paths: ['/admin/queues'], router: queueBoardRoutes(ctx) },
    { paths: ['/admin'], router: adminRoutes(ctx) },
    { paths: ['/sources'], router: sourcesRoutes(ctx) },
    { paths: ['/proxies'], router: proxiesRoutes(ctx) },
    { paths: ['/proxies'], router: proxyDetailRoutes(ctx) },
    { paths: ['/stats'], router: statsRoutes(ctx) },
  ];
}
