import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { ApiContext } from './context.js';
import { authenticate } from './http/auth.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createRateLimits } from './http/rate-limit.js';
import { requestBody } from './http/request-body.js';
import { requestContext } from './http/request-context.js';
import { protectedRoutes, publicRoutes, type MountedRoutes } from './routes/index.js';

/** Runs `handlers` in order as middleware would run them, then `done` (with the first error, if any). */
function runInOrder(handlers: RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let index = 0;
  const step = (error?: unknown): void => {
    if (error) {
      done(error);
      return;
    }
    const handler = handlers[index++];
    if (handler === undefined) {
      done();
      return;
    }
    try {
      const result: unknown = handler(req, res, step);
      if (result instanceof Promise) result.catch(done);
    } catch (thrown) {
      done(thrown);
    }
  };
  step();
}

/**
 * One app layer for many routers that sit on the app's root (their routes carry full paths): a request goes
 * only to the routers whose prefixes cover its path, in order, instead of walking every router's routes.
 * `guard` (authentication, rate limits) runs first for every covered path, and for no other.
 */
function routeTable(entries: MountedRoutes[], guard: RequestHandler[] = []): RequestHandler {
  const table = entries.map((entry) => ({
    router: entry.router,
    paths: entry.paths,
    subtrees: entry.paths.map((prefix) => `${prefix}/`),
  }));
  const covers = (entry: (typeof table)[number], path: string) =>
    entry.paths.includes(path) || entry.subtrees.some((subtree) => path.startsWith(subtree));
  const handler: RequestHandler = (req, res, next) => {
    const path = req.path;
    let index = table.findIndex((entry) => covers(entry, path));
    if (index < 0) return next();
    const tryNext = (error?: unknown): void => {
      if (error && error !== 'route' && error !== 'router') {
        next(error);
        return;
      }
      while (index < table.length && !covers(table[index]!, path)) index += 1;
      const entry = table[index++];
      if (entry) entry.router(req, res, tryNext);
      else next();
    };
    if (guard.length === 0) return tryNext();
    runInOrder(guard, req, res, (error?: unknown) => (error ? next(error) : tryNext()));
  };
  // The routers' routes stay visible to whatever lists the app's routes (the OpenAPI coverage check).
  return Object.assign(handler, { stack: entries.flatMap((entry) => entry.router.stack) });
}

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
  app.use(requestBody());
  app.use(routeTable(publicRoutes(ctx)));
  // Authentication guards known prefixes only, so an unknown path is a plain 404, not a 401.
  const limits = createRateLimits(ctx);
  app.use(routeTable(protectedRoutes(ctx), [limits.authGate, authenticate(ctx, limits.onAuthFailure), limits.perKey]));
  for (const router of options.extraRoutes ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
