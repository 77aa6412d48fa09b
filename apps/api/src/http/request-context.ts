import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '@proxy-pool/logger';
import './request-types.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives each request an id (honouring a sane X-Request-Id) and a child logger; logs one line per request. */
export function requestContext(
  logger: Logger,
  onFinish?: (route: string, status: number, seconds: number, method: string) => void,
): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ request_id: req.id });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      onFinish?.(route, res.statusCode, seconds, req.method);
      const level = res.statusCode >= 500 ? 'error' : 'http';
      // winston formats (redaction, timestamp) a line before its transports drop it by level: skip that work.
      if (!logger.isLevelEnabled(level)) return;
      req.log.log(level, 'request', {
        method: req.method,
        path: req.path,
        route,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1000),
        user_id: req.auth?.userId,
      });
    });
    next();
  };
}
