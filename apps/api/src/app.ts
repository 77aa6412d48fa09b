import express, { type Express, type Router } from 'express';
import type { ApiContext } from './context.js';
import { authenticate } from './http/auth.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createRateLimits } from './http/rate-limit.js';
import { metricsRoutes } from './http/metrics.js';
import { requestContext } from './http/request-context.js';
import { protectedRoutes, publicRoutes } from './routes/index.js';

/** The Express app. Importable and testable: nothing listens until main.ts calls listen(). */
export function createApp(ctx: ApiContext, options: { extraRoutes?: Router[] } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are dynamic (pool pages change by the second): hashing every body for an ETag costs CPU on each
  // request and would rarely save a transfer.
  app.disable('etag');
  app.set('trust proxy', ctx.config.TRUST_PROXY_HOPS);
  app.set('query parser', 'simple');
  app.use(
    requestContext(ctx.logger, (route, status, seconds, method) =>
      ctx.metrics.httpDuration.observe({ method, route, status: String(status) }, seconds),
    ),
  );
  app.use(express.json({ limit: '1mb' }));
  for (const router of publicRoutes(ctx)) app.use(router);
  app.use(metricsRoutes(ctx));
  // Authentication guards known prefixes only, so an unknown path is a plain 404, not a 401.
  const guarded = protectedRoutes(ctx);
  const guardedPaths = guarded.flatMap((entry) => entry.paths);
  const limits = createRateLimits(ctx);
  if (guardedPaths.length > 0) app.use(guardedPaths, limits.authGate, authenticate(ctx, limits.onAuthFailure), limits.perKey);
  for (const entry of guarded) app.use(entry.router);
  for (const router of options.extraRoutes ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
